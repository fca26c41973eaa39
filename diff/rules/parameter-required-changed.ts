import type { Rule } from '../types.ts';

/** An existing parameter became required (breaks requests without it) or optional (a webhook header may be absent). */
export const parameterRequiredChanged: Rule = {
  id: 'parameter-required-changed',
  summary: 'a parameter became required (breaking in requests) or optional (breaking for a webhook header)',
  parameter(ctx, site) {
    if (!site.base || !site.head || site.base.required === site.head.required) return;
    const p = site.head;
    const nowRequired = p.required;
    const level = site.flow === 'sends' ? (nowRequired ? 'breaking' : 'non-breaking') : nowRequired ? 'non-breaking' : 'breaking';
    const what = `${p.in} ${p.in === 'header' ? '' : 'parameter '}${p.name}`;
    const message = site.flow === 'sends' ? `${what} ${nowRequired ? 'is now required' : 'is now optional'}` : `${what} ${nowRequired ? 'is now always sent' : 'may now be absent'}`;
    ctx.report({ level, where: site.where, message, pointer: p.pointer });
  },
};
