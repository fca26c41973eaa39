/**
 * Answers a check cannot judge: a refusal for a reason outside what the check is about (a 401 to
 * a credential that should work, a 429, a 5xx, no answer at all). The behaviour checks never count
 * them as a pass; they record them as inconclusive, with the reason.
 */
import type { CallResult } from '../http.ts';
import { describeResult } from './steps.ts';
import type { CheckContext } from '../types.ts';

/** The status, and the error code of an error (one description for every check: steps.ts). */
export const describeAnswer = describeResult;

/**
 * Why `r` bears on nothing but the server's state (rate limit, server error, connection), or
 * undefined. `credentialValid`: the request's credential should be accepted, so a 401/403 is also
 * outside the check.
 */
export function outsideReason(r: CallResult, credentialValid = true): string | undefined {
  if (r.status === 0) return `no answer (${r.error})`;
  if (r.status === 429) return `rate limited (${describeAnswer(r)})`;
  if (r.status >= 500) return `server error (${describeAnswer(r)})`;
  if (credentialValid && (r.status === 401 || r.status === 403)) return `the credential was refused (${describeAnswer(r)})`;
  return undefined;
}

/** Records `subject` as not judged because of `r`; true when it did. */
export function recordedInconclusive(ctx: CheckContext, subject: string, r: CallResult, credentialValid = true): boolean {
  const why = outsideReason(r, credentialValid);
  if (!why) return false;
  ctx.record({ subject, outcome: 'inconclusive', reason: why, exchange: r });
  return true;
}
