import { isSuccessStatus } from '../model.ts';
import type { Rule } from '../types.ts';

/**
 * A new response status. A new success status is risky (clients checking for the old status
 * treat it as a failure); a new error status is non-breaking for clients that handle errors
 * generically, and worth handling.
 */
export const responseStatusAdded: Rule = {
  id: 'response-status-added',
  summary: 'a new response status: success statuses are risky, error statuses non-breaking',
  response(ctx, site) {
    if (site.base || !site.head) return;
    const pointer = `${site.op.head.pointer}/responses/${site.status}`;
    if (site.op.head.kind === 'webhook') return ctx.report({ level: 'non-breaking', where: `response ${site.status}`, message: `acknowledgement status ${site.status} now accepted`, pointer });
    const success = isSuccessStatus(site.status);
    ctx.report({ level: success ? 'risky' : 'non-breaking', where: `response ${site.status}`, message: success ? `new success response ${site.status}: clients checking for the old status treat it as a failure` : `new error response ${site.status}`, pointer });
  },
};
