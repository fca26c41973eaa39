import type { Rule } from '../types.ts';

/** A parameter or header gone: requests that send it are unaffected; a webhook header clients read is not. */
export const parameterRemoved: Rule = {
  id: 'parameter-removed',
  summary: 'a parameter or header was removed: non-breaking in requests, breaking for a required webhook header',
  parameter(ctx, site) {
    if (!site.base || site.head) return;
    const p = site.base;
    if (p.in === 'path') return;
    if (site.flow === 'receives') return ctx.report({ level: p.required ? 'breaking' : 'risky', where: site.where, message: `deliveries no longer carry ${p.in} ${p.name}`, pointer: p.pointer });
    ctx.report({ level: 'non-breaking', where: site.where, message: `${p.in} ${p.in === 'header' ? '' : 'parameter '}${p.name} no longer documented (ignored when sent)`, pointer: p.pointer });
  },
};
