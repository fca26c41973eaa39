import type { Rule } from '../types.ts';

/**
 * An operation's `x-idempotency` (absent: the header is not accepted < optional < required).
 * Required now: clients without a key are rejected. Dropped: clients sending a key lose replay
 * protection and may be rejected.
 */
export const idempotencyChanged: Rule = {
  id: 'idempotency-changed',
  summary: "an operation's x-idempotency changed (optional/absent → required is breaking; dropped is risky)",
  operation(ctx, op) {
    if (op.head.kind !== 'path') return;
    const b = String(op.base.node['x-idempotency'] ?? 'absent');
    const h = String(op.head.node['x-idempotency'] ?? 'absent');
    if (b === h) return;
    const pointer = `${op.head.pointer}/x-idempotency`;
    const message = `x-idempotency ${b} → ${h}`;
    if (h === 'required') ctx.report({ level: 'breaking', where: 'idempotency', message: `${message}: requests without an Idempotency-Key are rejected`, pointer });
    else if (h === 'absent') ctx.report({ level: 'risky', where: 'idempotency', message: `${message}: the key is no longer accepted, retries are no longer deduplicated`, pointer });
    else ctx.report({ level: 'non-breaking', where: 'idempotency', message, pointer });
  },
};
