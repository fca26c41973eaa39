import type { Rule } from '../types.ts';

/** A new path operation: nothing a client does today changes. */
export const operationAdded: Rule = {
  id: 'operation-added',
  summary: 'a new operation (non-breaking)',
  document(ctx, ops) {
    for (const [key, op] of ops.head) {
      if (op.kind !== 'path' || ops.base.has(key)) continue;
      ctx.report({ level: 'non-breaking', where: 'operation', message: `new operation ${op.label}${op.node.operationId ? ` (${op.node.operationId})` : ''}`, operations: [op.label], pointer: op.pointer });
    }
  },
};
