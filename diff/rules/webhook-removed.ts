import type { Rule } from '../types.ts';

/** A webhook event is no longer sent: a client waiting for it waits forever. */
export const webhookRemoved: Rule = {
  id: 'webhook-removed',
  summary: 'a webhook event was removed: clients waiting for it never hear of it again (breaking)',
  document(ctx, ops) {
    for (const [key, op] of ops.base) {
      if (op.kind !== 'webhook' || ops.head.has(key)) continue;
      ctx.report({ level: 'breaking', where: 'webhook', message: `webhook event ${op.path} no longer sent`, operations: [op.label], pointer: op.pointer });
    }
  },
};
