import type { Rule } from '../types.ts';

/** The wire is unchanged, but generated SDK functions are named after the operationId. */
export const operationIdChanged: Rule = {
  id: 'operation-id-changed',
  summary: 'operationId changed: the generated SDK function is renamed (risky)',
  operation(ctx, op) {
    const b = op.base.node.operationId;
    const h = op.head.node.operationId;
    if (b === h || b === undefined) return;
    ctx.report({ level: 'risky', where: 'operation', message: `operationId ${b} → ${h ?? '(none)'}: the generated SDK function is renamed`, pointer: `${op.head.pointer}/operationId` });
  },
};
