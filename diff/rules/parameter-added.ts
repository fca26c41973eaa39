import type { Rule } from '../types.ts';

/** A new parameter or header: required ones break requests that lack it; webhook headers are extra data. */
export const parameterAdded: Rule = {
  id: 'parameter-added',
  summary: 'a new parameter or header: required in a request is breaking, optional is not',
  parameter(ctx, site) {
    if (site.base || !site.head) return;
    const p = site.head;
    if (site.flow === 'receives') return ctx.report({ level: 'non-breaking', where: site.where, message: `deliveries carry a new ${p.in} ${p.name}`, pointer: p.pointer });
    if (p.in === 'path') return; // a new path segment is a new operation
    ctx.report({
      level: p.required ? 'breaking' : 'non-breaking',
      where: site.where,
      message: p.required ? `new required ${p.in} ${p.in === 'header' ? '' : 'parameter '}${p.name}` : `new optional ${p.in} ${p.in === 'header' ? '' : 'parameter '}${p.name}`,
      pointer: p.pointer,
    });
  },
};
