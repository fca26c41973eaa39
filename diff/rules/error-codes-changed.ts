import type { Rule } from '../types.ts';

/**
 * `x-error-codes` on an error envelope schema: a code answered with another status is risky for
 * clients that branch on the pair; new and retired codes are non-breaking.
 */
export const errorCodesChanged: Rule = {
  id: 'error-codes-changed',
  summary: 'x-error-codes: a code now answered with another status (risky); codes added or retired (non-breaking)',
  document(ctx) {
    const bs = ctx.base.components?.schemas ?? {};
    const hs = ctx.head.components?.schemas ?? {};
    for (const [name, h] of Object.entries<any>(hs)) {
      const b = bs[name];
      const hc = h?.['x-error-codes'];
      const bc = b?.['x-error-codes'];
      if (!hc || !bc || typeof hc !== 'object' || typeof bc !== 'object') continue;
      const where = `schema ${name} x-error-codes`;
      const pointer = `#/components/schemas/${name}/x-error-codes`;
      for (const [code, e] of Object.entries<any>(hc)) {
        const before = bc[code];
        if (!before) ctx.report({ level: 'non-breaking', where, message: `new error code ${code} (${e?.status ?? '?'})`, pointer });
        else if (before.status !== e?.status) ctx.report({ level: 'risky', where, message: `error code ${code}: status ${before.status} → ${e?.status}`, pointer });
      }
      for (const code of Object.keys(bc)) if (!(code in hc)) ctx.report({ level: 'non-breaking', where, message: `error code ${code} retired`, pointer });
    }
  },
};
