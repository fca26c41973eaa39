import type { Rule } from '../types.ts';

type Limit = { requests: number; per_seconds: number };
const rate = (l: Limit) => l.requests / l.per_seconds;
const show = (ls: Limit[]) => ls.map((l) => `${l.requests}/${l.per_seconds} s`).join(', ') || 'none';

/**
 * `x-rate-limit` classes and each operation's `x-rate-limit-class`: a lower limit (or a move to a
 * stricter class) turns traffic that fits today into 429s.
 */
export const rateLimitChanged: Rule = {
  id: 'rate-limit-changed',
  summary: 'a rate limit was lowered or an operation moved to a stricter class (risky)',
  document(ctx, ops) {
    const bc = ctx.base['x-rate-limit']?.classes ?? {};
    const hc = ctx.head['x-rate-limit']?.classes ?? {};
    for (const [name, h] of Object.entries<any>(hc)) {
      const b = bc[name];
      if (!b) continue;
      const bl: Limit[] = b.limits ?? [];
      const hl: Limit[] = h.limits ?? [];
      if (show(bl) === show(hl)) continue;
      const lowered = (bl.length === 0 && hl.length > 0) || hl.some((l) => {
        const same = bl.find((x) => x.per_seconds === l.per_seconds);
        return same ? l.requests < same.requests : bl.some((x) => rate(l) < rate(x));
      });
      const users = [...ops.head.values()].filter((op) => op.node['x-rate-limit-class'] === name && ops.base.has(op.key)).map((op) => op.label);
      ctx.report({ level: lowered ? 'risky' : 'non-breaking', where: `x-rate-limit.classes.${name}`, message: `rate limit ${name}: ${show(bl)} → ${show(hl)}`, operations: users, pointer: `#/x-rate-limit/classes/${name}` });
    }
  },
  operation(ctx, op) {
    const b = op.base.node['x-rate-limit-class'];
    const h = op.head.node['x-rate-limit-class'];
    if (b === h || !b || !h) return;
    const limits = (doc: any, c: string): Limit[] => doc['x-rate-limit']?.classes?.[c]?.limits ?? [];
    const min = (ls: Limit[]) => Math.min(...ls.map(rate), Infinity);
    const stricter = min(limits(ctx.head, h)) < min(limits(ctx.base, b));
    ctx.report({ level: stricter ? 'risky' : 'non-breaking', where: 'rate limit', message: `rate-limit class ${b} (${show(limits(ctx.base, b))}) → ${h} (${show(limits(ctx.head, h))})`, pointer: `${op.head.pointer}/x-rate-limit-class` });
  },
};
