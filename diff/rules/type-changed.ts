import { acceptsType, typeSet } from '../model.ts';
import type { Rule } from '../types.ts';

const label = (s: Set<string> | undefined) => (s ? [...s].join(' | ') : 'any');

/**
 * The node's type set (`type`, or the types of its const/enum; `oneOf: [X, null]` counts as X | null).
 * Narrowed in what the client sends (a type no longer accepted, e.g. null or number → integer):
 * breaking. Widened in what it receives (e.g. now nullable): breaking, the client gets values it
 * cannot handle.
 */
export const typeChanged: Rule = {
  id: 'type-changed',
  summary: 'type narrowed in a request or widened in a response (e.g. now nullable): breaking',
  schema(ctx, site) {
    const b = typeSet(site.base.node);
    const h = typeSet(site.head.node);
    if (!b && !h) return;
    const lost = b ? [...b].filter((t) => !acceptsType(h, t)) : h ? ['any'] : [];
    const gained = h ? [...h].filter((t) => !acceptsType(b, t)) : b ? ['any'] : [];
    if (!lost.length && !gained.length) return;
    const message = `type ${label(b)} → ${label(h)}`;
    const where = site.where;
    const pointer = site.pointer;
    if (site.flow === 'sends') {
      if (lost.length) ctx.report({ level: 'breaking', where, message: `${message}: ${lost.join(', ')} no longer accepted`, pointer });
      else ctx.report({ level: 'non-breaking', where, message: `${message}: now also accepts ${gained.join(', ')}`, pointer });
    } else {
      if (gained.length) ctx.report({ level: 'breaking', where, message: `${message}: may now be ${gained.join(', ')}`, pointer });
      else ctx.report({ level: 'non-breaking', where, message: `${message}: no longer ${lost.join(', ')}`, pointer });
    }
  },
};
