import { deref } from '../../contracts/walk.ts';
import type { Rule } from '../types.ts';

const headers = (doc: any, r: Record<string, any> | undefined) => new Map(Object.entries<any>(r?.headers ?? {}).map(([n, v]) => [n.toLowerCase(), { name: n, node: deref<Record<string, any>>(doc, v) ?? {} }]));

/** A response header removed, or no longer required: clients reading it get nothing. */
export const responseHeaderChanged: Rule = {
  id: 'response-header-changed',
  summary: 'a response header was removed or became optional (breaking when it was required, else risky); a new one (non-breaking)',
  response(ctx, site) {
    if (!site.base || !site.head || site.flow !== 'receives') return;
    const b = headers(ctx.base, site.base);
    const h = headers(ctx.head, site.head);
    const where = `response ${site.status}`;
    const pointer = `${site.op.head.pointer}/responses/${site.status}/headers`;
    for (const [k, bh] of b) {
      const hh = h.get(k);
      if (!hh) ctx.report({ level: bh.node.required === true ? 'breaking' : 'risky', where, message: `header ${bh.name} no longer returned`, pointer });
      else if (bh.node.required === true && hh.node.required !== true) ctx.report({ level: 'breaking', where, message: `header ${bh.name} may now be absent`, pointer });
    }
    for (const [k, hh] of h) if (!b.has(k)) ctx.report({ level: 'non-breaking', where, message: `new header ${hh.name}`, pointer });
  },
};
