import { show, stableJson } from '../model.ts';
import type { Rule } from '../types.ts';

/** The default of something the client sends: clients that omit it now get other behaviour. */
export const defaultChanged: Rule = {
  id: 'default-changed',
  summary: 'the default of a request field or parameter changed: clients that omit it get other behaviour (risky)',
  schema(ctx, site) {
    if (site.flow !== 'sends') return;
    const b = site.base.node.default;
    const h = site.head.node.default;
    if (stableJson(b) === stableJson(h)) return;
    ctx.report({ level: 'risky', where: site.where, message: `default ${show(b)} → ${show(h)}: clients that omit it get other behaviour`, pointer: site.pointer });
  },
};
