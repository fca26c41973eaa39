// The idempotency checks: they pass against the four in-process sandboxes, and each fails against
// an implementation broken in exactly the property it guards (the sandbox app's fetch wrapped to
// rewrite Idempotency-Key headers).
import { createHash, randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { getProvider, type ProviderId } from '../../contracts/providers.ts';
import { IDEMPOTENCY, idempotencyConcurrent, idempotencyConflict, idempotencyMissing, idempotencyReplay } from '../../harness/checks/idempotency.ts';
import { runChecks, type RunReport } from '../../harness/run.ts';
import { buildTarget } from '../../harness/target.ts';
import type { Check } from '../../harness/types.ts';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.ts';

const open: TestSandbox[] = [];
afterEach(async () => {
  for (const sb of open.splice(0)) await sb.close();
});

type Wrap = (send: typeof fetch) => typeof fetch;

async function check(id: ProviderId, checks: readonly Check[], o: { wrap?: Wrap; control?: boolean } = {}): Promise<RunReport & { sb: TestSandbox }> {
  const sb = await startTestSandbox(id);
  open.push(sb);
  const controlUrl = `${new URL(sb.baseUrl).origin}/_accord`;
  const target = await buildTarget(getProvider(id), sb.baseUrl, { baseUrl: sb.baseUrl, credentials: sb.instance.credentials, ...(o.control === false ? {} : { controlUrl }) } as any);
  const report = await runChecks(target, checks, {}, { fetch: o.wrap ? o.wrap(sb.fetch) : sb.fetch });
  return { ...report, sb };
}

const outcomes = (r: RunReport) => r.findings.map((f) => `${f.check} ${f.subject} ${f.outcome}`);
const failed = (r: RunReport) => r.findings.filter((f) => f.outcome === 'fail');

/** A broken implementation: provider requests pass through `mutate`; the control API is untouched. */
function broken(mutate: (req: Request, body: ArrayBuffer, send: (req: Request) => Promise<Response>) => Promise<Response>): Wrap {
  return (send) =>
    (async (input: RequestInfo | URL, init?: RequestInit) => {
      const req = new Request(input, init);
      if (new URL(req.url).pathname.startsWith('/_accord')) return send(req);
      return mutate(req, await req.arrayBuffer(), send);
    }) as typeof fetch;
}

/** The same request with some headers changed. */
function withHeaders(req: Request, body: ArrayBuffer, change: (h: Headers) => void): Request {
  const headers = new Headers(req.headers);
  change(headers);
  return new Request(req.url, { method: req.method, headers, ...(body.byteLength ? { body } : {}) });
}

const KEY = 'idempotency-key';

describe('against the sandboxes', () => {
  it('starship: replay, conflict, missing and concurrent pass for createOrder, checkoutCart and createPayout', async () => {
    const r = await check('starship', IDEMPOTENCY);
    expect(failed(r)).toEqual([]);
    for (const c of ['idempotency_replay', 'idempotency_conflict', 'idempotency_missing', 'idempotency_concurrent']) {
      for (const op of ['createOrder', 'checkoutCart', 'createPayout']) expect(outcomes(r)).toContain(`${c} ${op} pass`);
    }
    expect(r.sb.violations).toEqual([]);
  });

  it('odm: every check passes; cancelVoucher has no body to vary; createClaim runs the validate → OTP → claim recipe', async () => {
    const r = await check('odm', IDEMPOTENCY);
    expect(failed(r)).toEqual([]);
    expect(outcomes(r)).toEqual([
      'idempotency_replay issueVoucher pass',
      'idempotency_replay cancelVoucher pass',
      'idempotency_replay createClaim pass',
      'idempotency_conflict issueVoucher pass',
      'idempotency_conflict cancelVoucher skip',
      'idempotency_conflict createClaim pass',
      'idempotency_missing issueVoucher pass',
      'idempotency_missing cancelVoucher pass',
      'idempotency_concurrent issueVoucher pass',
      'idempotency_concurrent cancelVoucher pass',
      'idempotency_concurrent createClaim pass',
    ]);
    expect(r.sb.violations).toEqual([]);
  });

  it('odm without a control API: createClaim is skipped (its OTP comes from the control API), the rest still pass', async () => {
    const r = await check('odm', [idempotencyReplay], { control: false });
    expect(outcomes(r)).toEqual(['idempotency_replay issueVoucher pass', 'idempotency_replay cancelVoucher pass', 'idempotency_replay createClaim skip']);
    expect(r.findings[2]!.reason).toMatch(/control API/);
  });

  it('sirgiving: optional keys on submitAction and reverseAction; nothing requires a key, so missing is skipped', async () => {
    const r = await check('sirgiving', IDEMPOTENCY);
    expect(failed(r)).toEqual([]);
    expect(outcomes(r)).toEqual([
      'idempotency_replay submitAction pass',
      'idempotency_replay reverseAction pass',
      'idempotency_conflict submitAction pass',
      'idempotency_conflict reverseAction pass',
      'idempotency_missing (provider) skip',
      'idempotency_concurrent submitAction pass',
      'idempotency_concurrent reverseAction pass',
    ]);
    expect(r.sb.violations).toEqual([]);
  });

  it('istar: no idempotency, every check skipped with the reason', async () => {
    const r = await check('istar', IDEMPOTENCY);
    expect(r.findings.map((f) => [f.outcome, f.reason])).toEqual(Array(4).fill(['skip', 'no operation declares x-idempotency']));
  });
});

describe('against broken implementations', () => {
  it('a replay that executes again (a fresh key per request) fails idempotency_replay and _concurrent', async () => {
    const wrap = broken((req, body, send) => send(withHeaders(req, body, (h) => h.has(KEY) && h.set(KEY, `k-${randomUUID()}`))));
    const r = await check('starship', [idempotencyReplay, idempotencyConcurrent], { wrap });
    const replay = failed(r).filter((f) => f.check === 'idempotency_replay');
    expect(replay.map((f) => f.subject)).toEqual(['createOrder', 'checkoutCart', 'createPayout']);
    expect(replay[0]!.reason).toMatch(/the replay is not the original answer: bodies differ .*two resources: ord_/);
    expect(failed(r).filter((f) => f.check === 'idempotency_concurrent')).toHaveLength(3);
  });

  it('a replay that executes again but answers with the stored response fails on the list count', async () => {
    const seen = new Set<string>();
    const wrap = broken(async (req, body, send) => {
      const key = req.headers.get(KEY);
      if (key && seen.has(key)) await send(withHeaders(req, body, (h) => h.set(KEY, `${key}-again-${randomUUID()}`)));
      if (key) seen.add(key);
      return send(withHeaders(req, body, () => {}));
    });
    const r = await check('odm', [idempotencyReplay], { wrap });
    const issue = r.findings.find((f) => f.subject === 'issueVoucher')!;
    expect(issue.outcome).toBe('fail');
    expect(issue.reason).toMatch(/the replay executed again: listVouchers x-total-count: \d+ → \d+ \(expected \+1\)/);
  });

  it('200 instead of 409 on key reuse (the key scoped by body) fails idempotency_conflict only', async () => {
    const wrap = broken((req, body, send) => send(withHeaders(req, body, (h) => h.has(KEY) && h.set(KEY, `${h.get(KEY)}-${createHash('sha256').update(new Uint8Array(body)).digest('hex').slice(0, 12)}`))));
    const r = await check('sirgiving', IDEMPOTENCY, { wrap });
    expect(failed(r).map((f) => `${f.check} ${f.subject}`)).toEqual(['idempotency_conflict submitAction', 'idempotency_conflict reverseAction']);
    expect(failed(r)[0]!.reason).toMatch(/a key reused with another body answered 201; x-idempotency documents 409 IDEMPOTENCY_CONFLICT/);
  });

  it('a missing key accepted (the implementation invents one) fails idempotency_missing only', async () => {
    const wrap = broken((req, body, send) => send(withHeaders(req, body, (h) => !h.has(KEY) && req.method === 'POST' && h.set(KEY, `invented-${randomUUID()}`))));
    const r = await check('starship', [idempotencyReplay, idempotencyMissing], { wrap });
    expect(failed(r).map((f) => `${f.check} ${f.subject}`)).toEqual(['idempotency_missing createOrder', 'idempotency_missing checkoutCart', 'idempotency_missing createPayout']);
    expect(failed(r)[0]!.reason).toMatch(/without Idempotency-Key answered 201.*documents 400 IDEMPOTENCY_KEY_MISSING/);
  });

  it('racing duplicates that each execute (no in-flight lock) fail idempotency_concurrent only', async () => {
    const inFlight = new Set<string>();
    const wrap = broken(async (req, body, send) => {
      const key = req.headers.get(KEY);
      if (!key) return send(withHeaders(req, body, () => {}));
      const racing = inFlight.has(key);
      inFlight.add(key);
      try {
        return await send(withHeaders(req, body, (h) => racing && h.set(KEY, `${key}-race-${randomUUID()}`)));
      } finally {
        if (!racing) inFlight.delete(key);
      }
    });
    const r = await check('odm', [idempotencyReplay, idempotencyConcurrent], { wrap });
    expect(failed(r).map((f) => `${f.check} ${f.subject}`)).toEqual(['idempotency_concurrent issueVoucher', 'idempotency_concurrent cancelVoucher', 'idempotency_concurrent createClaim']);
    expect(failed(r)[0]!.reason).toMatch(/10 concurrent requests with one key got different answers/);
  });
});
