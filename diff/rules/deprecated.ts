import type { Rule } from '../types.ts';
import { fieldNoun } from '../wording.ts';

/** An operation, parameter or field marked deprecated (or no longer): a heads-up, not a break. */
export const deprecated: Rule = {
  id: 'deprecated',
  summary: 'an operation, parameter or field became deprecated (non-breaking)',
  operation(ctx, op) {
    if (op.base.node.deprecated !== true && op.head.node.deprecated === true) ctx.report({ level: 'non-breaking', where: 'operation', message: 'operation deprecated', pointer: op.head.pointer });
  },
  parameter(ctx, site) {
    if (site.base && site.head && site.base.node.deprecated !== true && site.head.node.deprecated === true) ctx.report({ level: 'non-breaking', where: site.where, message: `${site.head.in} parameter ${site.head.name} deprecated`, pointer: site.head.pointer });
  },
  schema(ctx, site) {
    if (site.base.node.deprecated !== true && site.head.node.deprecated === true) ctx.report({ level: 'non-breaking', where: site.where, message: `${fieldNoun(site)} deprecated`, pointer: site.pointer });
  },
};
