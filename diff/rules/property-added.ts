import type { Rule } from '../types.ts';
import { childPointer, childWhere, fieldNoun } from '../wording.ts';

/** A new field: required in what the client sends breaks it; optional, or in what it receives, does not. */
export const propertyAdded: Rule = {
  id: 'property-added',
  summary: 'a new field: required in a request is breaking; optional, or in a response, non-breaking',
  schema(ctx, site) {
    const bp = site.base.node.properties ?? {};
    const hp = site.head.node.properties ?? {};
    const required = new Set<string>(Array.isArray(site.head.node.required) ? site.head.node.required : []);
    for (const name of Object.keys(hp)) {
      if (name in bp) continue;
      const where = childWhere(site.where, name);
      const pointer = childPointer(site.pointer, 'properties', name);
      if (site.flow === 'sends' && required.has(name)) ctx.report({ level: 'breaking', where, message: `new required ${fieldNoun(site)} ${name}`, pointer });
      else ctx.report({ level: 'non-breaking', where, message: `new ${site.flow === 'sends' ? 'optional ' : ''}${fieldNoun(site)} ${name}`, pointer });
    }
  },
};
