import type { Rule } from '../types.ts';
import { childPointer, childWhere, fieldNoun } from '../wording.ts';

/**
 * A field gone. From what the client receives: breaking (code reading it gets nothing, and the
 * generated types no longer have it). From what it sends: breaking only when undeclared fields
 * are rejected (`additionalProperties: false`), else ignored.
 */
export const propertyRemoved: Rule = {
  id: 'property-removed',
  summary: 'a field was removed: breaking in a response; in a request, breaking when extra fields are rejected',
  schema(ctx, site) {
    const bp = site.base.node.properties ?? {};
    const hp = site.head.node.properties ?? {};
    for (const name of Object.keys(bp)) {
      if (name in hp) continue;
      const where = childWhere(site.where, name);
      const pointer = childPointer(site.pointer, 'properties', name);
      if (site.flow === 'receives') ctx.report({ level: 'breaking', where, message: `${fieldNoun(site)} ${name} removed`, pointer });
      else if (site.head.node.additionalProperties === false) ctx.report({ level: 'breaking', where, message: `${fieldNoun(site)} ${name} removed and undeclared fields are rejected: clients still sending it fail`, pointer });
      else ctx.report({ level: 'non-breaking', where, message: `${fieldNoun(site)} ${name} no longer documented (ignored when sent)`, pointer });
    }
  },
};
