// Sandbox hardening (issue 15), in process: chunked bodies stop at the limit, JSON in another
// charset is refused, payouts that round to zero are refused, control inputs are validated and
// leave the state alone, the control token, the control index built from the mounted routes,
// the clock reset, rate-limit counters that stay bounded, and exact replays inside the signature
// window (executed again: the Idempotency-Key is the only protection, as the specs say).
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hono } from 'hono';
import { getProvider, REPO_ROOT, type ProviderId } from '../../contracts/providers.ts';
import { createSandbox } from '../../sandbox/app.ts';
import type { SandboxContext } from '../../sandbox/provider.ts';
import { CONTROL_TOKEN_HEADER } from '../../sandbox/control.ts';
import { counterKeyOf, rateLimitGuard } from '../../sandbox/rate-limit.ts';
import { SandboxClock } from '../../sandbox/clock.ts';
import { SANDBOXES } from '../../sandbox/registry.ts';
import type { OperationCall } from '../../runtime/server/router.ts';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.ts';
import { expectEnvelope } from './envelope.ts';
import { clientFor, newKey, raw as starshipRaw } from './starship/support.ts';
import { client as sirClient } from './sirgiving/support.ts';

const PROVIDERS: ProviderId[] = ['starship', 'istar', 'sirgiving', 'odm'];
const MiB = 1024 * 1024;
const DESTINATION = { type: 'bank_account', account_reference: 'acme-settlement-usd' };

/** A body of `total` bytes in 64 KiB chunks, without Content-Length; `pulled` says how much was read. */
function chunkedBody(total: number): { stream: ReadableStream<Uint8Array>; pulled: () => number } {
  let sent = 0;
  const chunk = new Uint8Array(64 * 1024).fill(0x20);
  return {
    stream: new ReadableStream({
      pull(controller) {
        if (sent >= total) return controller.close();
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
    }),
    pulled: () => sent,
  };
}

describe('request bodies and media types (all four providers)', () => {
  const sandboxes = new Map<ProviderId, TestSandbox>();
  beforeAll(async () => {
    for (const id of PROVIDERS) sandboxes.set(id, await startTestSandbox(id, { rateLimitsDisabled: true }));
  });
  afterAll(async () => {
    for (const sb of sandboxes.values()) await sb.close();
  });
  const anyPost = (id: ProviderId) => {
    const op = SANDBOXES[id]!.contract.operations.find((o) => o.method === 'post' && !o.path.includes('{'))!;
    return `${sandboxes.get(id)!.baseUrl}${op.path}`;
  };

  it.each(PROVIDERS)('%s: a 50 MB chunked body is read no further than the 1 MiB limit and answered 413 in the envelope', async (id) => {
    const body = chunkedBody(50 * MiB);
    const res = await sandboxes.get(id)!.fetch(anyPost(id), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: body.stream, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
    expectEnvelope(id, await res.json());
    expect(body.pulled()).toBeLessThanOrEqual(MiB + 3 * 64 * 1024);
  });

  it.each(PROVIDERS)('%s: a chunked body under the limit is still read whole', async (id) => {
    const body = chunkedBody(128 * 1024);
    const res = await sandboxes.get(id)!.fetch(anyPost(id), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: body.stream, duplex: 'half' } as RequestInit);
    expect(res.status).not.toBe(413);
    expect(body.pulled()).toBe(128 * 1024);
  });

  it('starship: JSON declared in charset=utf-16 is refused with 415 UNSUPPORTED_MEDIA_TYPE, not decoded as UTF-8', async () => {
    const sb = sandboxes.get('starship')!;
    const res = await starshipRaw(sb, 'default', 'POST', '/orders', { body: '{"product_id":"amazon-gift-50","quantity":1}', contentType: 'application/json; charset=utf-16', headers: { 'Idempotency-Key': newKey() } });
    expect(res.status).toBe(415);
    const json = await res.json();
    expectEnvelope('starship', json);
    expect(json.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const utf8 = await starshipRaw(sb, 'default', 'POST', '/orders', { body: '{"product_id":"amazon-gift-50","quantity":1}', contentType: 'application/json; charset=UTF-8', headers: { 'Idempotency-Key': newKey() } });
    expect(utf8.status).toBe(201);
  });
});

describe('Starship payouts are validated as stored (cents)', () => {
  let sb: TestSandbox;
  beforeAll(async () => {
    sb = await startTestSandbox('starship', { rateLimitsDisabled: true });
  });
  afterAll(() => sb.close());

  it.each([4.9e-324, 1e-9, 0.004])('refuses amount %s (rounds to 0.00) with 400 VALIDATION_ERROR, and books nothing', async (amount) => {
    const c = clientFor(sb);
    const before = (await c.GET('/wallet')).data!.balance;
    const destination = DESTINATION;
    const res = await starshipRaw(sb, 'default', 'POST', '/payouts', { body: JSON.stringify({ amount, currency: 'USD', destination }), headers: { 'Idempotency-Key': newKey() } });
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe('VALIDATION_ERROR');
    expect((await c.GET('/wallet')).data!.balance).toBe(before);
  });

  it('still takes 0.01', async () => {
    const destination = DESTINATION;
    const res = await starshipRaw(sb, 'default', 'POST', '/payouts', { body: JSON.stringify({ amount: 0.01, currency: 'USD', destination }), headers: { 'Idempotency-Key': newKey() } });
    expect(res.status).toBe(201);
    expect((await res.json()).amount).toBe(0.01);
  });
});

describe('control API input validation: 400 with a reason, state unchanged', () => {
  let sb: TestSandbox;
  let receiverCount = 0;
  const control = async (method: string, path: string, body?: string) => {
    const res = await sb.fetch(`${new URL(sb.baseUrl).origin}/_accord${path}`, { method, headers: { 'Content-Type': 'application/json' }, ...(body !== undefined ? { body } : {}) });
    return { status: res.status, json: await res.json() };
  };
  beforeAll(async () => {
    sb = await startTestSandbox('starship', { rateLimitsDisabled: true });
  });
  afterAll(() => sb.close());

  it.each<[string, string, string]>([
    ['scale 1e300', '/clock/scale', '{"scale":1e300}'],
    ['scale 0', '/clock/scale', '{"scale":0}'],
    ['scale -1', '/clock/scale', '{"scale":-1}'],
    ['advance 1e309 (Infinity)', '/clock/advance', '{"seconds":1e309}'],
    ['advance 1e20', '/clock/advance', '{"seconds":1e20}'],
    ['advance 9e12', '/clock/advance', '{"seconds":9e12}'],
    ['advance -5', '/clock/advance', '{"seconds":-5}'],
    ['advance a string', '/clock/advance', '{"seconds":"60"}'],
    ['advance an array body', '/clock/advance', '[60]'],
    ['webhook URL http://[::1', '/webhook-endpoints', '{"url":"http://[::1"}'],
    ['webhook URL ftp://', '/webhook-endpoints', '{"url":"ftp://example.com/x"}'],
    ['webhook URL not a string', '/webhook-endpoints', '{"url":42}'],
    ['faults count 1e300', '/faults', '{"name":"vendor_timeout","count":1e300}'],
  ])('%s → 400 and nothing changes', async (_what, path, body) => {
    const clockBefore = (await control('GET', '/clock')).json;
    const endpointsBefore = sb.instance.ctx.store.count('webhook_endpoint');
    const res = await control('POST', path, body);
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error: 'bad_request', message: expect.any(String) });
    const clockAfter = (await control('GET', '/clock')).json;
    expect(clockAfter.scale).toBe(clockBefore.scale);
    expect(Number.isFinite(clockAfter.epochMs)).toBe(true);
    expect(Math.abs(clockAfter.offsetMs - clockBefore.offsetMs)).toBeLessThan(1000);
    expect(sb.instance.ctx.store.count('webhook_endpoint')).toBe(endpointsBefore);
    receiverCount++;
  });

  it('after all of that, signed writes and GET /_accord/clock still work', async () => {
    expect(receiverCount).toBeGreaterThan(0);
    const res = await clientFor(sb).POST('/orders', { body: { product_id: 'amazon-gift-50', quantity: 1 }, params: { header: { 'Idempotency-Key': newKey() } } } as never);
    expect(res.response.status).toBe(201);
    expect((await control('GET', '/clock')).status).toBe(200);
  });

  it('POST /_accord/clock/reset brings business time back to real time at real speed', async () => {
    await control('POST', '/clock/advance', '{"seconds":30}');
    await control('POST', '/clock/scale', '{"scale":10}');
    const reset = await control('POST', '/clock/reset');
    expect(reset.status).toBe(200);
    expect(reset.json.scale).toBe(1);
    expect(Math.abs(reset.json.offsetMs)).toBeLessThan(1000);
  });
});

describe('control token', () => {
  it('with a token, every control call must send it in X-Accord-Control-Token; the provider API is unaffected', async () => {
    const token = 'act_test-token-0123456789abcdef';
    const sb = await startTestSandbox('starship', { rateLimitsDisabled: true, controlToken: token });
    const origin = new URL(sb.baseUrl).origin;
    try {
      // The core's routes and the provider's own (mounted after the guard, so covered by it).
      for (const path of ['/_accord', '/_accord/credentials', '/_accord/clock', '/_accord/reconciliation/drifts']) {
        expect((await sb.fetch(`${origin}${path}`)).status).toBe(401);
        expect((await sb.fetch(`${origin}${path}`, { headers: { [CONTROL_TOKEN_HEADER]: 'act_wrong' } })).status).toBe(401);
        expect((await sb.fetch(`${origin}${path}`, { headers: { [CONTROL_TOKEN_HEADER]: token } })).status).toBe(200);
      }
      const denied = await sb.fetch(`${origin}/_accord/clock/advance`, { method: 'POST', body: '{"seconds":3600}' });
      expect(denied.status).toBe(401);
      expect(JSON.stringify(await denied.json())).not.toContain(token);
      expect((await clientFor(sb).GET('/wallet')).response.status).toBe(200);
    } finally {
      await sb.close();
    }
  });
});

describe('GET /_accord lists every control route mounted', () => {
  it.each(PROVIDERS)('%s: the index is the mounted routes (core and provider)', async (id) => {
    const sb = await startTestSandbox(id);
    try {
      const index = await sb.control<{ endpoints: string[] }>('GET', '');
      const listed = index.endpoints.map((e) => e.split(/\s+/).slice(0, 2).join(' '));
      const mounted = sb.instance.app.routes.filter((r) => r.method !== 'ALL' && r.path.startsWith('/_accord')).map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`);
      expect(new Set(listed)).toEqual(new Set(mounted));
      expect(listed).toContain('POST /_accord/clock/reset');
      if (id === 'odm') expect(listed).toContain('GET /_accord/otp');
      if (id === 'starship') expect(listed).toContain('POST /_accord/webhooks/{webhook_id}/forward');
    } finally {
      await sb.close();
    }
  });

  it('a control route a provider adds is listed without anyone editing the index', async () => {
    const base = SANDBOXES.istar!;
    const declaration = { ...base, control: (app: Hono, ctx: SandboxContext) => {
      base.control?.(app, ctx);
      app.post('/_accord/added-by-test/:thing_id', (c) => c.json({}));
    } };
    const instance = createSandbox(getProvider('istar'), declaration, { baseUrl: 'http://istar.test' });
    try {
      const index = await (await instance.fetch('http://istar.test/_accord')).json();
      expect(index.endpoints.map((e: string) => e.split(/\s+/).slice(0, 2).join(' '))).toContain('POST /_accord/added-by-test/{thing_id}');
    } finally {
      await instance.close();
    }
  });
});

describe('rate-limit counters stay bounded', () => {
  it('a long caller key is counted by a short digest (the key itself is not kept)', () => {
    const long = 'k'.repeat(15_000);
    expect(counterKeyOf(long)).toHaveLength(44);
    expect(counterKeyOf(long)).toBe(counterKeyOf('k'.repeat(15_000)));
    expect(counterKeyOf('pk_test_short')).toBe('pk_test_short');
  });

  it('tracks at most maxCounters callers; windows that are over are swept', () => {
    let now = Date.UTC(2026, 0, 1);
    const clock = new SandboxClock({ offsetMs: 0 }, () => now);
    const guard = rateLimitGuard(clock, { policy: { classes: { default: { limits: [{ requests: 2, per_seconds: 60 }] } } } as never, code: 'RATE_LIMITED', callerOf: (call) => ({ key: String(call.state.key) }), maxCounters: 100 });
    const call = (key: string) => ({ operation: { rateLimitClass: 'default' }, responseHeaders: {}, state: { key } }) as unknown as OperationCall;
    const blocked = (key: string) => {
      try {
        guard(call(key));
        return false;
      } catch {
        return true;
      }
    };
    expect([blocked('victim'), blocked('victim'), blocked('victim')]).toEqual([false, false, true]);
    // 20,000 distinct 15 KB keys: the guard keeps at most 100 counters, so the victim's is dropped.
    for (let i = 0; i < 20_000; i++) blocked(`${i}:${'x'.repeat(15_000)}`);
    expect(blocked('victim')).toBe(false);
    // A fresh caller within limits is counted as before.
    now += 61_000;
    expect([blocked('after'), blocked('after'), blocked('after')]).toEqual([false, false, true]);
  });
});

describe('exact replays inside the signature window (no nonce in any scheme)', () => {
  it('SIR Giving: a signed POST /actions without an Idempotency-Key, replayed byte for byte, is executed again', async () => {
    const sb = await (await import('./sirgiving/support.ts')).startSirGiving({ rateLimitsDisabled: true });
    try {
      let captured: Request | undefined;
      const c = sirClient({ ...sb, fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
        const req = new Request(input, init);
        req.headers.delete('Idempotency-Key');
        captured = req.clone();
        return sb.fetch(req);
      }) as typeof fetch });
      const first = await c.POST('/actions', { body: { stakeholderTypeCode: 'VOLUNTEER_HOUR', tokens: 5, externalUserId: 'user-replay' } });
      expect(first.response.status).toBe(201);
      const replay = await sb.fetch(captured!);
      expect(replay.status).toBe(201);
      expect((await replay.json()).id).not.toBe(first.data!.id);
    } finally {
      await sb.close();
    }
  });

  it.each(PROVIDERS)('%s: the spec\'s signing section says the Idempotency-Key is the only protection against an exact replay', (id) => {
    const spec = fs.readFileSync(`${REPO_ROOT}/specs/${id}/openapi.yaml`, 'utf8');
    expect(spec).toMatch(/Exact replays \(D\d+\)[^]*?only\s+protection\s+against\s+an\s+exact\s+replay[^]*?Idempotency-Key/);
    expect(spec).toMatch(/The\s+sandbox\s+behaves\s+exactly\s+so/);
    const decisions = fs.readFileSync(`${REPO_ROOT}/specs/${id}/DECISIONS.md`, 'utf8');
    expect(decisions).toMatch(/## D\d+ — Exact replays/);
  });
});
