import type { Rule } from '../types.ts';

/** A string format (date-time, uuid, email, …) added or changed: validated by accord's stubs, so a narrowing. */
export const formatChanged: Rule = {
  id: 'format-changed',
  summary: 'a format was added or changed (breaking in a request; risky in a response)',
  schema(ctx, site) {
    const b = typeof site.base.node.format === 'string' ? site.base.node.format : undefined;
    const h = typeof site.head.node.format === 'string' ? site.head.node.format : undefined;
    if (b === h) return;
    const message = `format ${b ?? '(none)'} → ${h ?? '(none)'}`;
    if (site.flow === 'sends') ctx.report({ level: h === undefined ? 'non-breaking' : 'breaking', where: site.where, message, pointer: site.pointer });
    else ctx.report({ level: b === undefined ? 'non-breaking' : 'risky', where: site.where, message: b === undefined ? message : `${message}: clients parsing it as ${b} may fail`, pointer: site.pointer });
  },
};
