import { requirementLabel } from '../model.ts';
import type { Rule } from '../types.ts';

const parts = (key: string) => new Set(key === '' ? [] : key.split('+'));
const subset = (a: Set<string>, b: Set<string>) => [...a].every((x) => b.has(x));
const list = (keys: string[]) => keys.map(requirementLabel).join(' | ');

/**
 * The operation's effective security requirement alternatives.
 * Path operations (the client presents credentials): a client that satisfies a base alternative
 * keeps working when some head alternative needs no more than that; otherwise it breaks.
 * Webhooks (the provider presents a signature the client verifies): a client keeps working when
 * every head alternative still carries everything of some base alternative; a delivery that may
 * come with less (for example unsigned) breaks clients that verify.
 */
export const securityChanged: Rule = {
  id: 'security-changed',
  summary: 'security requirements changed: a scheme added, removed or replaced (breaking when clients can no longer authenticate or verify)',
  operation(ctx, op) {
    const b = op.base.security;
    const h = op.head.security;
    if (b.join('|') === h.join('|')) return;
    const pointer = `${op.head.pointer}/security`;
    let broke = false;
    if (op.head.kind === 'path') {
      for (const alt of b) {
        if (h.some((x) => subset(parts(x), parts(alt)))) continue;
        broke = true;
        ctx.report({ level: 'breaking', where: 'security', message: `${requirementLabel(alt)} no longer enough: now ${list(h)}`, pointer });
      }
    } else {
      for (const alt of h) {
        if (b.some((x) => subset(parts(x), parts(alt)))) continue;
        broke = true;
        ctx.report({ level: 'breaking', where: 'security', message: `deliveries may now carry ${requirementLabel(alt)} (was ${list(b)}): clients verifying the old scheme reject them`, pointer });
      }
    }
    if (!broke) ctx.report({ level: 'non-breaking', where: 'security', message: `security ${list(b)} → ${list(h)}: every client of the old requirements still qualifies`, pointer });
  },
};
