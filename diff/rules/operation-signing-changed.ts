import type { Rule } from '../types.ts';

const RANK: Record<string, number> = { none: 0, optional: 1, required: 2 };
const rank = (v: unknown) => RANK[String(v ?? 'none')] ?? 0;

/**
 * An operation's `x-signing` (none < optional < required). A path operation that now requires a
 * signature breaks unsigned clients. A webhook that is no longer always signed breaks endpoints
 * that reject unsigned deliveries.
 */
export const operationSigningChanged: Rule = {
  id: 'operation-signing-changed',
  summary: "an operation's x-signing changed: a request signature now required, or webhooks no longer always signed (breaking)",
  operation(ctx, op) {
    const b = op.base.node['x-signing'];
    const h = op.head.node['x-signing'];
    if ((b ?? 'none') === (h ?? 'none')) return;
    const pointer = `${op.head.pointer}/x-signing`;
    const message = `x-signing ${b ?? 'none'} → ${h ?? 'none'}`;
    if (op.head.kind === 'path') {
      const level = rank(h) === 2 && rank(b) < 2 ? 'breaking' : 'non-breaking';
      ctx.report({ level, where: 'signing', message: level === 'breaking' ? `${message}: unsigned requests are rejected` : message, pointer });
    } else {
      const level = rank(b) === 2 && rank(h) < 2 ? 'breaking' : 'non-breaking';
      ctx.report({ level, where: 'signing', message: level === 'breaking' ? `${message}: deliveries may arrive unsigned` : message, pointer });
    }
  },
};
