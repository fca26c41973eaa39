import { isSuccessStatus } from '../model.ts';
import type { Rule } from '../types.ts';

/**
 * A response status gone. A success status removed breaks clients that expect it; an error status
 * removed leaves dead error handling (non-breaking). For a webhook, the responses are the
 * acknowledgements the provider accepts: removing a success status rejects clients answering with it.
 */
export const responseStatusRemoved: Rule = {
  id: 'response-status-removed',
  summary: 'a success response status was removed (breaking); an error status removed (non-breaking)',
  response(ctx, site) {
    if (!site.base || site.head) return;
    const pointer = `${site.op.base.pointer}/responses/${site.status}`;
    const success = isSuccessStatus(site.status);
    if (site.op.head.kind === 'webhook') return ctx.report({ level: success ? 'breaking' : 'non-breaking', where: `response ${site.status}`, message: `acknowledgement status ${site.status} no longer accepted`, pointer });
    ctx.report({ level: success ? 'breaking' : 'non-breaking', where: `response ${site.status}`, message: success ? `success response ${site.status} removed` : `error response ${site.status} no longer documented`, pointer });
  },
};
