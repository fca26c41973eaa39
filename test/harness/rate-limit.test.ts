// The opt-in rate_limit check: it passes against the four in-process sandboxes at their documented
// limits, leaves the sandbox unthrottled behind it, and fails against implementations that limit
// too late, too early or not at all, or answer the 429 without the documented headers and code.
import { afterEach, describe, expect, it } from 'vitest';
import { getProvider, type ProviderId } from '../../contracts/providers.ts';
import { idempotencyReplay } from '../../harness/checks/idempotency.ts';
import { rateLimit, retryAfterSeconds } from '../../harness/checks/rate-limit.ts';
import { runChecks, type RunReport } from '../../harness/run.ts';
import { buildTarget } from '../../harness/target.ts';
import type { Check } from '../../harness/types.ts';
import type { CreateSandboxOptions } from '../../sandbox/app.ts';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.ts';

const open: TestSandbox[] = [];
afterEach(async () => {
  for (const sb of open.splice(0)) await sb.close();
});

type Wrap = (send: typeof fetch) => typeof fetch;

async function check(id: ProviderId, o: { checks?: readonly Check[]; wrap?: Wrap; control?: boolean; sandbox?: CreateSandboxOptions } = {}): Promise<RunReport & { sb: TestSandbox }> {
  const sb = await startTestSandbox(id, o.sandbox);
  open.push(sb);
  const controlUrl = `${new URL(sb.baseUrl).origin}/_accord`;
  const target = await buildTarget(getProvider(id), sb.baseUrl, { baseUrl: sb.baseUrl, credentials: sb.instance.credentials, ...(o.control === false ? {} : { controlUrl }) } as any);
  const report = await runChecks(target, o.checks ?? [rateLimit], {}, { fetch: o.wrap ? o.wrap(sb.fetch) : sb.fetch });
  return { ...report, sb };
}

const outcomes = (r: RunReport) => r.findings.map((f) => `${f.subject} ${f.outcome}`);
const failed = (r: RunReport) => r.findings.filter((f) => f.outcome === 'fail');

/** A broken implementation: each 429 from the sandbox is changed by `change` before the client sees it. */
function on429(change: (headers: Headers, body: any) => void): Wrap {
  return (send) =>
    (async (input: RequestInfo | URL, init?: RequestInit) => {
      const res = await send(input, init);
      if (res.status !== 429) return res;
      const headers = new Headers(res.headers);
      const body = await res.json();
      change(headers, body);
      return new Response(JSON.stringify(body), { status: 429, headers });
    }) as typeof fetch;
}

describe('against the sandboxes (documented limits, control API)', () => {
  it('starship: orders-create (100/60 s) via createOrder replayed under one key; general (1000/h) is beyond the bound; auth has no operation', async () => {
    const r = await check('starship');
    expect(outcomes(r)).toEqual(['orders-create: createOrder pass', 'general: listCategories skip', 'auth skip']);
    expect(r.findings[1]!.reason).toBe('the documented limit, 1000 per 3600 s, needs 1001 calls to exceed; the bound is 250');
    const limited = r.findings[0]!.exchange!.response!;
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(r.sb.violations).toEqual([]);
  });

  it('istar: 1 request per second, the second call is refused with Retry-After', async () => {
    const r = await check('istar');
    expect(outcomes(r)).toEqual(['general: searchStarRecipient pass']);
    expect(r.findings[0]!.exchange!.response!.headers['retry-after']).toBe('1');
  });

  it('sirgiving: the partner burst (100/60 s) and the admin class, with the X-RateLimit-* headers', async () => {
    const r = await check('sirgiving');
    expect(outcomes(r)).toEqual(['partner: getPartnerConfig pass', 'admin: updatePartner pass']);
    const headers = r.findings[0]!.exchange!.response!.headers;
    expect(headers['x-ratelimit-limit']).toBe('1000'); // the headers describe the hourly window (D8)
    expect(headers['x-ratelimit-retryafter']).toBe(headers['retry-after']);
    expect(r.sb.violations).toEqual([]);
  });

  it('odm: the otp class (60/60 s) through the merchant key; default (600/60 s) is beyond the bound', async () => {
    const r = await check('odm');
    expect(outcomes(r)).toEqual(['default: listVouchers skip', 'otp: validateVoucher pass']);
  });

  it('moves the sandbox clock on afterwards: a check run after it is not throttled', async () => {
    const r = await check('starship', { checks: [rateLimit, idempotencyReplay] });
    expect(failed(r)).toEqual([]);
    expect(r.findings.filter((f) => f.check === 'idempotency_replay' && f.outcome === 'pass')).toHaveLength(3);
  });
});

describe('without a control API', () => {
  it('still proves a 429 arrives within the bound', async () => {
    expect(outcomes(await check('istar', { control: false }))).toEqual(['general: searchStarRecipient pass']);
  });

  it('skips ODM, whose limits are accord’s assumption, not documented by ODM', async () => {
    const r = await check('odm', { control: false });
    expect(r.findings).toMatchObject([{ subject: '(provider)', outcome: 'skip', reason: expect.stringMatching(/documents no rate limits/) }]);
  });
});

describe('against broken implementations', () => {
  it('429 without Retry-After fails', async () => {
    const r = await check('istar', { wrap: on429((h) => h.delete('retry-after')) });
    expect(failed(r).map((f) => f.reason)).toEqual(['429 without Retry-After']);
  });

  it('a 429 without the documented X-RateLimit-* headers fails (sirgiving)', async () => {
    const r = await check('sirgiving', {
      wrap: on429((h) => {
        h.delete('x-ratelimit-remaining');
        h.delete('x-ratelimit-retryafter');
      }),
    });
    expect(failed(r).map((f) => f.reason)).toEqual(Array(2).fill('on the 429: missing X-RateLimit-Remaining; on the 429: missing X-RateLimit-RetryAfter'));
  });

  it('a 429 with a code not documented for 429 fails', async () => {
    const r = await check('starship', { wrap: on429((_h, body) => void (body.error.code = 'SLOW_DOWN')) });
    expect(failed(r).map((f) => f.reason)).toEqual(['the 429 carries code SLOW_DOWN, documented for 429: RATE_LIMITED']);
  });

  it('no limit at all fails', async () => {
    const r = await check('istar', { sandbox: { rateLimitsDisabled: true } });
    expect(failed(r).map((f) => f.reason)).toEqual([expect.stringMatching(/^call 2 from a fresh window was allowed \(200\), twice; documented limit 1 per 1 s$/)]);
  });

  it('a limit twice the documented one fails (the call past the limit is allowed)', async () => {
    const r = await check('starship', { sandbox: { rateLimitScale: 2 } });
    expect(failed(r).map((f) => f.reason)).toEqual([expect.stringMatching(/^call 101 from a fresh window was allowed \(201\), twice; documented limit 100 per 60 s$/)]);
  });

  it('a limit half the documented one fails (429 too early)', async () => {
    const r = await check('sirgiving', { sandbox: { rateLimitScale: 0.5 } });
    expect(failed(r).map((f) => f.reason)).toEqual(Array(2).fill('429 after only 50 allowed calls from a fresh window; documented limit 100 per 60 s'));
  });
});

describe('Retry-After values', () => {
  it('reads delta-seconds and HTTP-dates, and rejects anything else', () => {
    expect(retryAfterSeconds('7')).toBe(7);
    expect(retryAfterSeconds('Wed, 21 Oct 2015 07:28:30 GMT', Date.parse('2015-10-21T07:28:00Z'))).toBe(30);
    expect(retryAfterSeconds('soon')).toBeUndefined();
    expect(retryAfterSeconds('-1')).toBeUndefined();
  });
});
