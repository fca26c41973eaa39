// The iStar sandbox, driven through the generated client: auth, rate limit, recipient search,
// orders paid from the wallet, signed webhooks with retries, bad input, restarts. Every response
// is validated against the spec (violations must stay empty).
import fs from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createIStarClient, verifyIStarWebhook } from '../../generated/istar/index.ts';
import { startTestSandbox, startWebhookReceiver, eventually, type TestSandbox, type WebhookReceiver } from '../support/sandbox.ts';
import { tempDir } from '../support/fixtures.ts';

const WEBHOOK_SECRET = 'whsec_istar_test_secret';

let sb: TestSandbox;
let receiver: WebhookReceiver;
const client = (apiKey = sb.instance.credentials.default!.credentials.apiKey!) => createIStarClient({ environment: sb.baseUrl, credentials: { apiKey }, fetch: sb.fetch, retry: { maxRetries: 0 } });
const orderBody = { username: 'johndoe', recipient_hash: 'ABCDEF123456', quantity: 100, wallet_type: 'TON' as const };

beforeAll(async () => {
  sb = await startTestSandbox('istar', { rateLimitsDisabled: true });
  receiver = await startWebhookReceiver();
  await sb.control('POST', '/webhook-endpoints', { url: receiver.url, secret: WEBHOOK_SECRET });
});
afterAll(async () => {
  await receiver.close();
  await sb.close();
});
afterEach(() => expect(sb.violations).toEqual([]));

describe('auth', () => {
  it.each([
    ['no key', '', 'MISSING_API_KEY'],
    ['an unknown key', 'istar_test_unknown', 'INVALID_API_KEY'],
  ])('answers %s with 401 %s', async (_what, key, code) => {
    const res = await sb.fetch(`${sb.baseUrl}/wallet/balance`, { headers: key ? { 'API-Key': key } : {} });
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe(code);
  });

  it('answers an expired key with API_KEY_EXPIRED and a revoked one with API_KEY_REVOKED', async () => {
    const expired = await client(sb.instance.credentials.expired!.credentials.apiKey).GET('/wallet/balance');
    expect(expired.response.status).toBe(401);
    expect(expired.error?.error.code).toBe('API_KEY_EXPIRED');
    const revoked = await client(sb.instance.credentials.revoked!.credentials.apiKey).GET('/wallet/balance');
    expect(revoked.error?.error.code).toBe('API_KEY_REVOKED');
  });
});

describe('gifting flow', () => {
  it('searches a recipient, orders stars, debits the wallet and delivers a signed order.completed', async () => {
    const c = client();
    const before = (await c.GET('/wallet/balance')).data!.balance;
    const found = await c.GET('/star/recipient/search', { params: { query: { username: 'johndoe', quantity: 100 } } });
    expect(found.data).toMatchObject({ success: true, recipient: 'ABCDEF123456', myself: false });
    const order = await c.POST('/orders/star', { body: { ...orderBody, recipient_hash: found.data!.recipient } });
    expect(order.response.status).toBe(200);
    expect(order.data).toMatchObject({ status: 'pending', quantity: 100, amount: 55.5 });
    expect((await c.GET('/wallet/balance')).data!.balance).toBeCloseTo(before - 55.5, 2);

    await sb.control('POST', '/clock/advance', { seconds: 5 });
    await eventually(() => receiver.received.some((d) => d.body.includes(order.data!.order_id)), 5000, 'order.completed delivery');
    const delivery = receiver.received.find((d) => d.body.includes(order.data!.order_id))!;
    const hook = verifyIStarWebhook({ headers: delivery.headers, rawBody: delivery.body, secret: WEBHOOK_SECRET });
    expect(hook.event).toBe('order.completed');
    if (hook.event === 'order.completed') expect(hook.payload.order.id).toBe(order.data!.order_id);
  });

  it('orders premium at the package price; a forced failure refunds and sends order.failed', async () => {
    const c = client();
    const before = (await c.GET('/wallet/balance')).data!.balance;
    await sb.control('POST', '/faults', { name: 'order_fail' });
    const order = await c.POST('/orders/premium', { body: { username: 'johndoe', recipient_hash: 'ABCDEF123456', months: 3, wallet_type: 'TON' } });
    expect(order.data).toMatchObject({ status: 'pending', months: 3, amount: 8.25 });
    await sb.control('POST', '/clock/advance', { seconds: 5 });
    await eventually(() => receiver.received.some((d) => d.body.includes(order.data!.order_id)), 5000, 'order.failed delivery');
    const hook = verifyIStarWebhook({ headers: receiver.received.find((d) => d.body.includes(order.data!.order_id))!.headers, rawBody: receiver.received.find((d) => d.body.includes(order.data!.order_id))!.body, secret: WEBHOOK_SECRET });
    expect(hook.event).toBe('order.failed');
    expect((await c.GET('/wallet/balance')).data!.balance).toBeCloseTo(before, 2);
  });

  it('refuses a recipient hash that does not belong to the username (404) and an unaffordable order (422)', async () => {
    const c = client();
    const wrong = await c.POST('/orders/star', { body: { ...orderBody, recipient_hash: 'A1B2C3D4E5F6' } });
    expect(wrong.response.status).toBe(404);
    expect(wrong.error?.error.code).toBe('RECIPIENT_NOT_FOUND');
    const broke = await c.POST('/orders/star', { body: { ...orderBody, quantity: 1_000_000 } });
    expect(broke.response.status).toBe(422);
    expect(broke.error?.error.code).toBe('INSUFFICIENT_BALANCE');
  });

  it('lists the premium packages from the docs', async () => {
    const { data } = await client().GET('/premium/packages');
    expect(data?.map((p) => p.months)).toEqual([3, 6, 12]);
  });
});

describe('bad input never costs state', () => {
  it.each([
    ['malformed JSON', '{"username":', 'application/json'],
    ['a wrong type', JSON.stringify({ ...orderBody, quantity: 'a lot' }), 'application/json'],
    ['an unknown field', JSON.stringify({ ...orderBody, tip: 1 }), 'application/json'],
    ['a quantity below the minimum', JSON.stringify({ ...orderBody, quantity: 49 }), 'application/json'],
    ['an oversized body', JSON.stringify({ ...orderBody, username: 'x'.repeat(2 * 1024 * 1024) }), 'application/json'],
  ])('answers %s with 400 in the envelope and leaves the wallet alone', async (_what, body, type) => {
    const before = (await client().GET('/wallet/balance')).data!.balance;
    const res = await sb.fetch(`${sb.baseUrl}/orders/star`, { method: 'POST', headers: { 'API-Key': sb.instance.credentials.default!.credentials.apiKey!, 'Content-Type': type }, body });
    // Over the 1 MiB limit: 413, whatever the framing.
    expect(res.status).toBe(body.length > 1024 * 1024 ? 413 : 400);
    const json = await res.json();
    expect(json).toMatchObject({ success: false, error: { code: 'VALIDATION_ERROR' } });
    expect((await client().GET('/wallet/balance')).data!.balance).toBe(before);
  });
});

describe('webhook retries', () => {
  it('a receiver that fails its first deliveries receives every event once it recovers', async () => {
    const c = client();
    const before = receiver.received.length;
    receiver.failNext(3);
    const orders = [];
    for (let i = 0; i < 2; i++) orders.push((await c.POST('/orders/star', { body: orderBody })).data!.order_id);
    await sb.control('POST', '/clock/advance', { seconds: 5 });
    await eventually(() => receiver.received.length >= before + 2, 5000, 'first attempts');
    // Backoff: 30 s, 60 s, 120 s… walk the clock through the retries.
    for (let i = 0; i < 6; i++) await sb.control('POST', '/clock/advance', { seconds: 300 });
    const { deliveries } = await sb.control('GET', '/deliveries?event=order.completed');
    for (const id of orders) {
      const d = deliveries.find((x: any) => x.body.includes(id));
      expect(d.status).toBe('delivered');
      const attempts = receiver.received.filter((r) => r.body.includes(id));
      expect(attempts.at(-1)!.status).toBe(200);
      // Same event, same delivery id, same bytes on every attempt.
      expect(new Set(attempts.map((a) => a.body)).size).toBe(1);
      expect(new Set(attempts.map((a) => a.headers['x-istar-delivery'])).size).toBe(1);
    }
  });
});

describe('rate limit', () => {
  it('allows 1 request per second per key: the second gets 429 with Retry-After', async () => {
    const limited = await startTestSandbox('istar');
    try {
      const apiKey = limited.instance.credentials.default!.credentials.apiKey!;
      const c = createIStarClient({ environment: limited.baseUrl, credentials: { apiKey }, fetch: limited.fetch, retry: { maxRetries: 0 } });
      expect((await c.GET('/premium/packages')).response.status).toBe(200);
      const second = await c.GET('/premium/packages');
      expect(second.response.status).toBe(429);
      expect(second.response.headers.get('retry-after')).toBe('1');
      expect(second.error?.error.code).toBe('RATE_LIMITED');
      await limited.control('POST', '/clock/advance', { seconds: 1 });
      expect((await c.GET('/premium/packages')).response.status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe('persistence', () => {
  it('keeps state and credentials across a restart', async () => {
    const dir = tempDir('istar-state');
    try {
      const first = await startTestSandbox('istar', { dataDir: dir, rateLimitsDisabled: true });
      const apiKey = first.instance.credentials.default!.credentials.apiKey!;
      const c1 = createIStarClient({ environment: first.baseUrl, credentials: { apiKey }, fetch: first.fetch });
      await c1.POST('/orders/star', { body: orderBody });
      const balance = (await c1.GET('/wallet/balance')).data!.balance;
      await first.close();
      const second = await startTestSandbox('istar', { dataDir: dir, rateLimitsDisabled: true });
      expect(second.instance.credentials.default!.credentials.apiKey).toBe(apiKey);
      const c2 = createIStarClient({ environment: second.baseUrl, credentials: { apiKey }, fetch: second.fetch });
      expect((await c2.GET('/wallet/balance')).data!.balance).toBe(balance);
      await second.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
