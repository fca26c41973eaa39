import type { Rule } from '../types.ts';
import { childPointer, childWhere, fieldNoun } from '../wording.ts';

const set = (v: unknown) => new Set<string>(Array.isArray(v) ? v.map(String) : []);

/**
 * An existing field became required (breaks senders that omit it) or optional (breaks receivers
 * that rely on it being there). New and removed fields are the property rules' business.
 */
export const requiredChanged: Rule = {
  id: 'required-changed',
  summary: 'an existing field became required (breaking in a request) or optional (breaking in a response)',
  schema(ctx, site) {
    const b = set(site.base.node.required);
    const h = set(site.head.node.required);
    const bp = site.base.node.properties ?? {};
    const hp = site.head.node.properties ?? {};
    const isNew = (n: string) => n in hp && !(n in bp);
    const isGone = (n: string) => n in bp && !(n in hp);
    for (const name of h) {
      if (b.has(name) || isNew(name)) continue;
      const where = childWhere(site.where, name);
      ctx.report({ level: site.flow === 'sends' ? 'breaking' : 'non-breaking', where, message: site.flow === 'sends' ? `${fieldNoun(site)} ${name} is now required` : `${fieldNoun(site)} ${name} is now always present`, pointer: childPointer(site.pointer, 'required') });
    }
    for (const name of b) {
      if (h.has(name) || isGone(name)) continue;
      const where = childWhere(site.where, name);
      ctx.report({ level: site.flow === 'sends' ? 'non-breaking' : 'breaking', where, message: site.flow === 'sends' ? `${fieldNoun(site)} ${name} is now optional` : `${fieldNoun(site)} ${name} may now be absent`, pointer: childPointer(site.pointer, 'required') });
    }
  },
};
