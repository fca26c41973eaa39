import { matchVariants } from '../model.ts';
import type { Rule } from '../types.ts';

/**
 * oneOf/anyOf alternatives (paired by component name, const, type or shape). In what the client
 * sends: an alternative removed is rejected (breaking). In what it receives: a new alternative is
 * risky, clients that switch on the known shapes miss it.
 */
export const variantChanged: Rule = {
  id: 'variant-changed',
  summary: 'a oneOf/anyOf alternative removed in a request (breaking) or added in a response (risky)',
  schema(ctx, site) {
    for (const v of matchVariants({ doc: ctx.base, node: site.base.node }, { doc: ctx.head, node: site.head.node })) {
      const bHas = Array.isArray(site.base.node[v.keyword]);
      const hHas = Array.isArray(site.head.node[v.keyword]);
      if (!bHas || !hHas) {
        const now = hHas;
        const labels = (now ? v.added : v.removed).map((x) => x.label).join(', ');
        ctx.report({
          level: site.flow === 'sends' ? (now ? 'breaking' : 'non-breaking') : now ? 'non-breaking' : 'risky',
          where: site.where,
          message: now ? `now restricted to ${v.keyword} ${labels}` : `no longer restricted to ${v.keyword} ${labels}`,
          pointer: site.pointer,
        });
        continue;
      }
      for (const r of v.removed) ctx.report({ level: site.flow === 'sends' ? 'breaking' : 'non-breaking', where: site.where, message: `${v.keyword} alternative ${r.label} removed${site.flow === 'sends' ? ': no longer accepted' : ''}`, pointer: site.pointer });
      for (const a of v.added) ctx.report({ level: site.flow === 'sends' ? 'non-breaking' : 'risky', where: site.where, message: `new ${v.keyword} alternative ${a.label}${site.flow === 'receives' ? ': clients handling only the known alternatives miss it' : ''}`, pointer: site.pointer });
    }
  },
};
