/**
 * rate_limit (opt-in: it spends the key's quota, so checks after it would be throttled): for each
 * x-rate-limit class, one operation of the class is called until the documented limit is exceeded;
 * the answer past the limit must be 429 with Retry-After, the provider's own rate-limit headers
 * (x-rate-limit.headers) and a 429 code of the error envelope.
 *
 * The limit checked is the class's tightest window, per the credential's tier where the spec has
 * tiers and the credentials file names one (`extra.tier`). With accord's control API the sandbox
 * clock is first moved past every window of the class, so the run starts from a fresh window: the
 * first `limit` calls must all be allowed and call `limit + 1` refused; the clock is moved on again
 * afterwards, so later checks are not throttled. Without it, the check only proves that a 429 comes
 * within the bound (the window may be partly spent). Either way a fixed window may roll over during
 * the run, so up to 2 × (limit + 1) calls are sent; a class whose limit + 1 exceeds
 * RATE_LIMIT_MAX_REQUESTS is skipped. Limits the provider does not document (`documented: false`,
 * accord's assumption) are checked only against accord's sandbox (a control API).
 */
import type { ContractOperation, RateLimitWindow } from '../../runtime/contract.ts';
import { retryAfterSeconds, type CallInput, type CallOptions, type CallResult } from '../http.ts';
import { errorCodeOf } from '../probe.ts';
import { operationsOf, type Check, type CheckContext } from '../types.ts';
import { describeResult, freshKey, prepare, roleFor } from './steps.ts';
import type { RateLimitRecipe } from '../declarations.ts';
import { harnessOf } from '../registry.ts';


/** The most calls a class's limit may need (limit + 1); higher limits are skipped. */
export const RATE_LIMIT_MAX_REQUESTS = 250;
/** Calls sent at once while spending the allowance. */
const BATCH = 10;

const INTEGER = /^\d+$/;

export { retryAfterSeconds };

/** The class's operations (operations without a class count against the first class, as the sandbox does). */
function classOps(ctx: CheckContext, cls: string): ContractOperation[] {
  const first = Object.keys(ctx.contract.rateLimit!.classes)[0];
  return operationsOf(ctx).filter((o) => o.status !== 'planned' && (o.rateLimitClass ?? first) === cls);
}

/** The operation to repeat: a read without path parameters, any read, else an idempotent write replayed under one key. */
function pick(ctx: CheckContext, ops: ContractOperation[], recipe: RateLimitRecipe | undefined): ContractOperation | undefined {
  if (recipe?.operationId) return ops.find((o) => o.operationId === recipe.operationId) ?? operationsOf(ctx).find((o) => o.operationId === recipe.operationId);
  const callable = ops.filter((o) => roleFor(ctx, o));
  return callable.find((o) => o.method === 'get' && !o.path.includes('{')) ?? callable.find((o) => o.method === 'get') ?? callable.find((o) => o.idempotency);
}

async function advanceClock(ctx: CheckContext, seconds: number): Promise<boolean> {
  if (!ctx.controlUrl) return false;
  try {
    await ctx.http.pass(seconds);
    return true;
  } catch {
    return false;
  }
}

/** Problems with the provider's rate-limit headers on one answer. */
function headerProblems(ctx: CheckContext, r: CallResult, windows: RateLimitWindow[], limited: boolean): string[] {
  const names = ctx.contract.rateLimit!.headers ?? {};
  const problems: string[] = [];
  const int = (name: string): number | undefined => {
    const v = r.headers.get(name);
    if (v === null) return void problems.push(`missing ${name}`);
    if (!INTEGER.test(v.trim())) return void problems.push(`${name} "${v}" is not an integer`);
    return Number(v);
  };
  const limit = names.limit ? int(names.limit) : undefined;
  if (limit !== undefined && !windows.some((w) => w.requests === limit)) problems.push(`${names.limit} ${limit} is none of the documented limits (${windows.map((w) => w.requests).join(', ')})`);
  const remaining = names.remaining ? int(names.remaining) : undefined;
  if (remaining !== undefined && limit !== undefined && remaining > limit) problems.push(`${names.remaining} ${remaining} exceeds ${names.limit} ${limit}`);
  const reset = names.reset ? int(names.reset) : undefined;
  if (reset !== undefined && reset < 1_000_000_000) problems.push(`${names.reset} ${reset} is not a Unix time`);
  if (limited && names.retry_after && names.retry_after.toLowerCase() !== 'retry-after') int(names.retry_after);
  return problems;
}

interface Exceeded {
  /** The run started from a fresh window (control API). */
  fresh: boolean;
  limited?: CallResult;
  lastAllowed?: CallResult;
  /** Calls sent in all. */
  sent: number;
  failure?: string;
  exchange?: CallResult;
}

/**
 * Calls the operation past the limit `n`. From a fresh window (control API): `n` calls, in
 * batches, must all be allowed and call n + 1 refused; when call n + 1 is allowed the window may
 * have rolled over during the run, so the clock is moved on and the run repeated once. Without a
 * control API: calls until the first 429, at most 2 × (n + 1).
 */
async function exceed(ctx: CheckContext, op: ContractOperation, input: CallInput, options: CallOptions, n: number, widest: number): Promise<Exceeded> {
  let lastAllowed: CallResult | undefined;
  let sent = 0;
  /** Sends up to `count` calls, BATCH at a time; stops at the first 429 or server failure. */
  const spend = async (count: number): Promise<{ allowed: number; limited?: CallResult; broken?: CallResult }> => {
    let allowed = 0;
    while (allowed < count) {
      const batch = await Promise.all(Array.from({ length: Math.min(BATCH, count - allowed) }, () => ctx.http.call(op, input, options)));
      sent += batch.length;
      const broken = batch.find((r) => r.status === 0 || r.status >= 500);
      if (broken) return { allowed, broken };
      for (const r of batch) if (r.status !== 429) (allowed++, (lastAllowed = r));
      const limited = batch.find((r) => r.status === 429);
      if (limited) return { allowed, limited };
    }
    return { allowed };
  };
  const brokenAt = (r: CallResult) => ({ failure: `call ${sent} answered ${describeResult(r)} before the limit was reached`, exchange: r });

  if (!(await advanceClock(ctx, widest + 1))) {
    const run = await spend(2 * (n + 1));
    if (run.broken) return { fresh: false, sent, ...brokenAt(run.broken) };
    if (!run.limited) return { fresh: false, sent, failure: `no 429 after ${sent} calls`, ...(lastAllowed ? { exchange: lastAllowed } : {}) };
    return { fresh: false, sent, limited: run.limited, ...(lastAllowed ? { lastAllowed } : {}) };
  }
  for (let attempt = 1; ; attempt++) {
    const within = await spend(n);
    if (within.broken) return { fresh: true, sent, ...brokenAt(within.broken) };
    if (within.limited) return { fresh: true, sent, failure: `429 after only ${within.allowed} allowed calls from a fresh window`, exchange: within.limited };
    const over = await ctx.http.call(op, input, options);
    sent++;
    if (over.status === 429) return { fresh: true, sent, limited: over, ...(lastAllowed ? { lastAllowed } : {}) };
    if (over.status === 0 || over.status >= 500) return { fresh: true, sent, ...brokenAt(over) };
    if (attempt === 2) return { fresh: true, sent, failure: `call ${n + 1} from a fresh window was allowed (${describeResult(over)}), twice`, exchange: over };
    await advanceClock(ctx, widest + 1); // the window may have rolled over mid-run: start afresh once more
  }
}

export const rateLimit: Check = {
  id: 'rate_limit',
  group: 'rate-limit',
  optIn: true,
  summary: 'exceeding a documented rate limit is answered 429 with Retry-After and the provider’s rate-limit headers',
  sends: `for each x-rate-limit class, one of its operations (a read, an idempotent write under one key, or the provider recipe) until past the class’s tightest limit for the key’s tier: at most 2 × (limit + 1) calls, classes needing more than ${RATE_LIMIT_MAX_REQUESTS} skipped; with a control API the sandbox clock starts a fresh window first and resets it after`,
  expects: '429 once the limit is spent (exactly at call limit + 1 from a fresh window), with Retry-After (seconds, at most the window), the x-rate-limit.headers (limit one of the documented figures, remaining ≤ limit, reset a Unix time) and an error code documented for 429',
  async run(ctx) {
    const policy = ctx.contract.rateLimit;
    if (!policy || !Object.keys(policy.classes).length) return ctx.record({ subject: '(provider)', outcome: 'skip', reason: 'the spec declares no x-rate-limit' });
    if (!policy.documented && !ctx.controlUrl) return ctx.record({ subject: '(provider)', outcome: 'skip', reason: `${ctx.provider.title} documents no rate limits; the x-rate-limit figures are accord's assumption, held only against accord's sandbox (a target with a control API)` });
    const codes429 = Object.entries(ctx.contract.errorCodes).filter(([, v]) => v.status === 429).map(([k]) => k);

    for (const [cls, { limits }] of Object.entries(policy.classes)) {
      const ops = classOps(ctx, cls);
      if (!ops.length) {
        ctx.record({ subject: cls, outcome: 'skip', reason: 'no operation carries this rate-limit class' });
        continue;
      }
      const recipe = harnessOf(ctx.provider.id).rateLimit?.[cls];
      const op = pick(ctx, ops, recipe);
      if (!op) {
        ctx.record({ subject: cls, outcome: 'skip', reason: `the class has only non-idempotent writes (${ops.map((o) => o.operationId).join(', ')}): repeating one would create a resource per call; declare a recipe in harness/providers/${ctx.provider.id}.ts` });
        continue;
      }
      const subject = `${cls}: ${op.operationId}`;
      const p = await prepare(ctx, op, recipe);
      if (!p.ok) {
        ctx.record({ subject, outcome: p.outcome, reason: p.reason, ...(p.exchange ? { exchange: p.exchange } : {}) });
        continue;
      }
      const tier = ctx.credentials[p.role]?.extra?.tier;
      const windows = (tier && policy.tiers?.[tier]) || limits;
      if (!windows.length) {
        ctx.record({ subject, outcome: 'skip', reason: 'the class documents no limit' });
        continue;
      }
      const tightest = windows.reduce((a, b) => (b.requests < a.requests ? b : a));
      const widest = Math.max(...windows.map((w) => w.per_seconds));
      const n = tightest.requests;
      const documented = `${n} per ${tightest.per_seconds} s${tier ? ` (tier ${tier})` : ''}`;
      if (n + 1 > RATE_LIMIT_MAX_REQUESTS) {
        ctx.record({ subject, outcome: 'skip', reason: `the documented limit, ${documented}, needs ${n + 1} calls to exceed; the bound is ${RATE_LIMIT_MAX_REQUESTS}` });
        continue;
      }

      const options: CallOptions = { role: p.role, acceptRateLimit: true, ...(op.idempotency ? { idempotencyKey: freshKey('rate-limit') } : {}) };
      const outcome = await exceed(ctx, op, p.input, options, n, widest);
      if (outcome.fresh) await advanceClock(ctx, Math.max(widest, retryAfterSeconds(outcome.limited?.headers.get('retry-after') ?? '') ?? 0) + 1); // later checks start unthrottled
      if (outcome.failure) {
        ctx.record({ subject, outcome: 'fail', reason: `${outcome.failure}; documented limit ${documented}`, exchange: outcome.exchange });
        continue;
      }
      const limited = outcome.limited!;
      const lastAllowed = outcome.lastAllowed;
      const problems: string[] = [];
      const retryAfter = limited.headers.get('retry-after');
      if (retryAfter === null) problems.push('429 without Retry-After');
      else {
        const s = retryAfterSeconds(retryAfter);
        if (s === undefined) problems.push(`Retry-After "${retryAfter}" is neither seconds nor an HTTP-date`);
        else if (s > widest) problems.push(`Retry-After ${s} s is longer than the longest window (${widest} s)`);
      }
      problems.push(...headerProblems(ctx, limited, windows, true).map((x) => `on the 429: ${x}`));
      if (lastAllowed) problems.push(...headerProblems(ctx, lastAllowed, windows, false).map((x) => `on an allowed call: ${x}`));
      const code = errorCodeOf(limited.json);
      if (codes429.length && !codes429.includes(code ?? '')) problems.push(`the 429 carries code ${code ?? '(none)'}, documented for 429: ${codes429.join(', ')}`);
      if (problems.length) ctx.record({ subject, outcome: 'fail', reason: problems.join('; '), exchange: limited });
      else ctx.record({ subject, outcome: 'pass', reason: `${outcome.fresh ? `from a fresh window, call ${n + 1} answered` : `after ${outcome.sent} calls:`} ${describeResult(limited)}, Retry-After ${retryAfter}`, exchange: limited });
    }
  },
};

export const RATE_LIMIT = [rateLimit];
