import type { Rule } from '../types.ts';

/** A new webhook event. Endpoints that acknowledge unknown events with 2xx are unaffected. */
export const webhookAdded: Rule = {
  id: 'webhook-added',
  summary: 'a new webhook event (non-breaking: acknowledge unknown events with 2xx)',
  document(ctx, ops) {
    for (const [key, op] of ops.head) {
      if (op.kind !== 'webhook' || ops.base.has(key)) continue;
      ctx.report({ level: 'non-breaking', where: 'webhook', message: `new webhook event ${op.path}`, operations: [op.label], pointer: op.pointer });
    }
  },
};
