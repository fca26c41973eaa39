import { stableJson } from '../model.ts';
import type { Rule } from '../types.ts';

const FIELDS = ['type', 'in', 'name', 'scheme', 'bearerFormat', 'openIdConnectUrl', 'flows'] as const;

/** A security scheme both versions use is defined differently: another header, type or flow. */
export const securitySchemeChanged: Rule = {
  id: 'security-scheme-changed',
  summary: 'a security scheme in use changed its type, header name, location or HTTP scheme (breaking)',
  document(ctx, ops) {
    const bs = ctx.base.components?.securitySchemes ?? {};
    const hs = ctx.head.components?.securitySchemes ?? {};
    for (const [name, h] of Object.entries<any>(hs)) {
      const b = bs[name];
      if (!b || !h) continue;
      const diffs = FIELDS.filter((f) => stableJson(b[f]) !== stableJson(h[f])).map((f) => `${f} ${stableJson(b[f])} → ${stableJson(h[f])}`);
      if (!diffs.length) continue;
      const users = [...ops.head.values()].filter((op) => op.security.some((alt) => alt.split('+').some((p) => p.replace(/\[.*$/, '') === name))).map((op) => op.label);
      if (!users.length) continue;
      ctx.report({ level: 'breaking', where: `security scheme ${name}`, message: `${name}: ${diffs.join(', ')}`, operations: users, pointer: `#/components/securitySchemes/${name}` });
    }
  },
};
