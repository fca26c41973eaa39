import type { Rule } from '../types.ts';

const closed = (node: Record<string, any>) => node.additionalProperties === false;

/**
 * An object closed to undeclared fields (`additionalProperties: false`) or opened. Closing what the
 * client sends is risky: clients that send extra fields are rejected. Opening what it receives is
 * non-breaking for clients that ignore unknown fields.
 */
export const additionalPropertiesChanged: Rule = {
  id: 'additional-properties-changed',
  summary: 'additionalProperties closed in a request (risky) or opened in a response (non-breaking)',
  schema(ctx, site) {
    const b = closed(site.base.node);
    const h = closed(site.head.node);
    if (b === h || (!site.base.node.properties && !site.head.node.properties && site.head.node.type !== 'object')) return;
    if (site.flow === 'sends') ctx.report({ level: h ? 'risky' : 'non-breaking', where: site.where, message: h ? 'undeclared fields are now rejected' : 'undeclared fields are now accepted', pointer: site.pointer });
    else ctx.report({ level: 'non-breaking', where: site.where, message: h ? 'no undeclared fields any more' : 'undeclared fields may now appear', pointer: site.pointer });
  },
};
