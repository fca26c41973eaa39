import type { Rule } from '../types.ts';

const types = (node: Record<string, any> | undefined) => Object.keys(node?.content ?? {});

/** A media type removed from a request body or response; a new one is non-breaking. */
export const mediaTypeChanged: Rule = {
  id: 'media-type-changed',
  summary: 'a request or response media type was removed (breaking) or added (non-breaking)',
  requestBody(ctx, site) {
    if (!site.base || !site.head) return;
    const where = site.op.head.kind === 'path' ? 'request body' : 'webhook payload';
    for (const mt of types(site.base)) if (!types(site.head).includes(mt)) ctx.report({ level: 'breaking', where, message: site.flow === 'sends' ? `media type ${mt} no longer accepted` : `payload no longer sent as ${mt}`, pointer: `${site.op.head.pointer}/requestBody/content` });
    for (const mt of types(site.head)) if (!types(site.base).includes(mt)) ctx.report({ level: 'non-breaking', where, message: site.flow === 'sends' ? `media type ${mt} now accepted` : `payload may now be sent as ${mt}`, pointer: `${site.op.head.pointer}/requestBody/content` });
  },
  response(ctx, site) {
    if (!site.base || !site.head) return;
    const where = `response ${site.status}`;
    const pointer = `${site.op.head.pointer}/responses/${site.status}/content`;
    const bt = types(site.base);
    const ht = types(site.head);
    for (const mt of bt) if (!ht.includes(mt)) ctx.report({ level: 'breaking', where, message: ht.length ? `no longer returned as ${mt} (now ${ht.join(', ')})` : `no longer has a ${mt} body`, pointer });
    for (const mt of ht) if (!bt.includes(mt)) ctx.report({ level: bt.length ? 'non-breaking' : site.flow === 'receives' ? 'risky' : 'non-breaking', where, message: bt.length ? `may now be returned as ${mt}` : `now has a ${mt} body (was empty)`, pointer });
  },
};
