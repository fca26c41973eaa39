import type { Rule } from '../types.ts';

/**
 * A string pattern added, changed or dropped. A new or changed pattern may reject values that
 * match the old one (accord cannot prove one regex contains another): breaking in what the client
 * sends. A changed or dropped pattern in what it receives: risky, values may no longer match what
 * clients parse.
 */
export const patternChanged: Rule = {
  id: 'pattern-changed',
  summary: 'a pattern was added or changed (breaking in a request; risky in a response) or dropped',
  schema(ctx, site) {
    const b = typeof site.base.node.pattern === 'string' ? site.base.node.pattern : undefined;
    const h = typeof site.head.node.pattern === 'string' ? site.head.node.pattern : undefined;
    if (b === h) return;
    const message = `pattern ${b ?? '(none)'} → ${h ?? '(none)'}`;
    if (site.flow === 'sends') ctx.report({ level: h === undefined ? 'non-breaking' : 'breaking', where: site.where, message: h === undefined ? `${message} (widened)` : `${message}: values matching the old pattern may be rejected`, pointer: site.pointer });
    else ctx.report({ level: b === undefined ? 'non-breaking' : 'risky', where: site.where, message: b === undefined ? `${message} (narrowed)` : `${message}: values may no longer match the old pattern`, pointer: site.pointer });
  },
};
