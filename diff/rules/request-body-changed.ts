import type { Rule } from '../types.ts';

/** The request body as a whole: added as required, made required, or (webhook payload) dropped. */
export const requestBodyChanged: Rule = {
  id: 'request-body-changed',
  summary: 'the request body became required or was added as required (breaking); a webhook payload removed (breaking)',
  requestBody(ctx, site) {
    const where = site.op.head.kind === 'path' ? 'request body' : 'webhook payload';
    const pointer = `${site.op.head.pointer}/requestBody`;
    const breq = site.base?.required === true;
    const hreq = site.head?.required === true;
    if (site.flow === 'sends') {
      if (!site.base && site.head) ctx.report({ level: hreq ? 'breaking' : 'non-breaking', where, message: hreq ? 'a request body is now required' : 'a request body is now accepted (optional)', pointer });
      else if (site.base && !site.head) ctx.report({ level: 'risky', where, message: 'the request body is no longer documented', pointer: `${site.op.base.pointer}/requestBody` });
      else if (!breq && hreq) ctx.report({ level: 'breaking', where, message: 'the request body is now required', pointer });
      else if (breq && !hreq) ctx.report({ level: 'non-breaking', where, message: 'the request body is now optional', pointer });
    } else {
      if (site.base && !site.head) ctx.report({ level: 'breaking', where, message: 'deliveries no longer carry a payload', pointer: `${site.op.base.pointer}/requestBody` });
      else if (breq && site.head && !hreq) ctx.report({ level: 'breaking', where, message: 'the payload may now be absent', pointer });
    }
  },
};
