import type { Rule } from '../types.ts';

/** A path operation in base is gone from head: every call to it fails. */
export const operationRemoved: Rule = {
  id: 'operation-removed',
  summary: 'an operation was removed (breaking)',
  document(ctx, ops) {
    for (const [key, op] of ops.base) {
      if (op.kind !== 'path' || ops.head.has(key)) continue;
      ctx.report({ level: 'breaking', where: 'operation', message: `operation ${op.label} (${op.node.operationId ?? 'no operationId'}) removed`, operations: [op.label], pointer: op.pointer });
    }
  },
};
