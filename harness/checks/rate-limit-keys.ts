/**
 * rate_limit_per_credential (opt-in: it spends a key's quota): limits are kept per credential, not
 * per client address. One credential spends a class's allowance until it is answered 429; at once
 * another credential of the same client address calls the same operation and must not be
 * throttled. With a control API the business clock starts a fresh window first and ends it after.
 */
import { operationById } from '../../runtime/contract.ts';
import type { CallResult } from '../http.ts';
import { exampleInput } from '../probe.ts';
import { behaviourOf } from '../registry.ts';
import type { Check, CheckContext } from '../types.ts';
import { freshKey, mergeInput } from './recipe.ts';
import { RATE_LIMIT_MAX_REQUESTS } from './rate-limit.ts';
import { describeAnswer, recordedInconclusive } from './verdict.ts';

/** Calls sent at once while spending the allowance. */
const BATCH = 10;

async function advance(ctx: CheckContext, seconds: number): Promise<void> {
  if (ctx.controlUrl) await ctx.http.raw('POST', `${ctx.controlUrl.replace(/\/$/, '')}/clock/advance`, { seconds });
}

export const rateLimitPerCredential: Check = {
  id: 'rate_limit_per_credential',
  group: 'rate-limit',
  optIn: true,
  summary: 'rate limits are kept per credential: one key past its limit does not throttle another key from the same address',
  sends: `one credential calls an operation of a limited class (an idempotent write under one key) until answered 429, at most limit + 1 calls (≤ ${RATE_LIMIT_MAX_REQUESTS}); then a second credential from the same address calls it once`,
  expects: 'the first credential gets 429; the second is not throttled (its answer is not 429)',
  async run(ctx) {
    const decl = behaviourOf(ctx.provider.id).perCredentialLimit;
    const policy = ctx.contract.rateLimit;
    if (!decl || !policy) return ctx.record({ subject: '(provider)', outcome: 'skip', reason: 'no per-credential limit declared for this provider' });
    if (!policy.documented && !ctx.controlUrl) return ctx.record({ subject: '(provider)', outcome: 'skip', reason: 'the limits are accord’s assumption, held only against accord’s sandbox' });
    for (const role of [decl.spender, decl.other]) if (!ctx.credentials[role]) return ctx.record({ subject: '(provider)', outcome: 'skip', reason: `the credentials file has no "${role}" role` });
    const op = operationById(ctx.contract, decl.operationId);
    const cls = op.rateLimitClass ?? Object.keys(policy.classes)[0]!;
    const windows = policy.classes[cls]?.limits ?? [];
    if (!windows.length) return ctx.record({ subject: op.operationId, outcome: 'skip', reason: `class ${cls} has no documented limit` });
    const tightest = windows.reduce((a, b) => (b.requests < a.requests ? b : a));
    if (tightest.requests + 1 > RATE_LIMIT_MAX_REQUESTS) return ctx.record({ subject: op.operationId, outcome: 'skip', reason: `the limit, ${tightest.requests} per ${tightest.per_seconds} s, needs more than ${RATE_LIMIT_MAX_REQUESTS} calls to exceed` });
    const input = mergeInput(exampleInput(ctx, op), decl.input);
    const subject = `${op.operationId}: ${decl.spender} past its limit, then ${decl.other}`;
    const spendKey = freshKey('per-credential');
    await advance(ctx, tightest.per_seconds);
    try {
      let limited: CallResult | undefined;
      for (let sent = 0; !limited && sent <= tightest.requests; sent += BATCH) {
        const batch = await Promise.all(Array.from({ length: Math.min(BATCH, tightest.requests + 1 - sent) }, () => ctx.http.call(op, input, { role: decl.spender, idempotencyKey: spendKey, acceptRateLimit: true })));
        const odd = batch.find((r) => r.status !== 429 && r.status >= 400 && !(r.status === 409 || r.status === 422));
        if (odd && recordedInconclusive(ctx, subject, odd)) return;
        limited = batch.find((r) => r.status === 429);
      }
      if (!limited) return ctx.record({ subject, outcome: 'inconclusive', reason: `${decl.spender} was not limited within ${tightest.requests + 1} calls (the documented ${tightest.requests} per ${tightest.per_seconds} s; a scaled or partly spent window)` });
      const other = await ctx.http.call(op, input, { role: decl.other, acceptRateLimit: true });
      if (other.status === 429) return ctx.record({ subject, outcome: 'fail', reason: `${decl.other} was throttled (${describeAnswer(other)}) because ${decl.spender} spent its allowance: the limit is shared, not kept per credential`, exchange: other });
      if (recordedInconclusive(ctx, subject, other)) return;
      ctx.record({ subject, outcome: 'pass', reason: `${decl.spender} got 429; ${decl.other} then got ${describeAnswer(other)}`, exchange: other });
    } finally {
      await advance(ctx, tightest.per_seconds);
    }
  },
};

export const RATE_LIMIT_KEY_CHECKS = [rateLimitPerCredential];
