import { show, stableJson } from '../model.ts';
import type { Rule } from '../types.ts';

/** The allowed values of a node (`enum`, or `const` as a one-value enum), null aside; undefined = unrestricted. */
function values(node: Record<string, any>): unknown[] | undefined {
  if ('const' in node) return node.const === null ? [] : [node.const];
  if (Array.isArray(node.enum)) return node.enum.filter((v: unknown) => v !== null);
  return undefined;
}

/**
 * Enum values (and const). In what the client sends: a removed value is rejected (breaking), a new
 * one is fine. In what it receives: a removed value breaks code that checks for it (it no longer
 * compiles against the generated types, and a client waiting for that state never sees it); a new
 * value is risky: strict clients (exhaustive switches, response validation) reject it.
 */
export const enumChanged: Rule = {
  id: 'enum-changed',
  summary: 'enum values removed (breaking) or added (non-breaking in requests; risky in responses: strict clients reject unknown values)',
  schema(ctx, site) {
    const b = values(site.base.node);
    const h = values(site.head.node);
    if (!b && !h) return;
    const pointer = site.pointer;
    const where = site.where;
    if (b && !h) {
      return ctx.report({ level: site.flow === 'sends' ? 'non-breaking' : 'risky', where, message: `no longer restricted to ${b.map(show).join(', ')}${site.flow === 'receives' ? ': any value may arrive' : ''}`, pointer });
    }
    if (!b && h) return ctx.report({ level: site.flow === 'sends' ? 'breaking' : 'non-breaking', where, message: `now restricted to ${h.map(show).join(', ')}`, pointer });
    const hk = new Set(h!.map(stableJson));
    const bk = new Set(b!.map(stableJson));
    const removed = b!.filter((v) => !hk.has(stableJson(v)));
    const added = h!.filter((v) => !bk.has(stableJson(v)));
    if (removed.length) {
      ctx.report({
        level: 'breaking',
        where,
        message: site.flow === 'sends' ? `value ${removed.map(show).join(', ')} no longer accepted` : `value ${removed.map(show).join(', ')} removed: code checking for it breaks`,
        pointer,
      });
    }
    if (added.length) {
      ctx.report({
        level: site.flow === 'sends' ? 'non-breaking' : 'risky',
        where,
        message: site.flow === 'sends' ? `new accepted value ${added.map(show).join(', ')}` : `new value ${added.map(show).join(', ')}: strict clients reject unknown values`,
        pointer,
      });
    }
  },
};
