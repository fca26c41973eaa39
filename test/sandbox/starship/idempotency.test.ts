// Starship Idempotency-Key (D6–D8) and rate limits (D12, D13): byte-identical replays with no
// second side effect, 409 RESOURCE_CONFLICT for another body, 400 for a missing or malformed key,
// 50 concurrent POSTs executing once, keys per API key and for 24 hours; 100/min on POST /orders
// and 1000/h for everything else, per key, 429 RATE_LIMITED with Retry-After (scaled, clock-driven).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../../support/sandbox.ts';
import { advance, clientFor, newKey, raw, violations, type Role } from './support.ts';

let sb: TestSandbox;
const orderBody = JSON.stringify({ product_id: 'amazon-gift-50', quantity: 1, reference: 'idem-1' });
const post = (key: string | undefined, body = orderBody, role: Role = 'default', path = '/orders') =>
  raw(sb, role, 'POST', path, { body, headers: key === undefined ? {} : { 'Idempotency-Key': key } });
const balance = async () => (await clientFor(sb).GET('/wallet')).data!.balance;
const orderCount = async () => Number((await clientFor(sb).GET('/orders', { params: { query: { per_page: 1 } } })).response.headers.get('x-total-count'));

beforeAll(async () => {
  sb = await startTestSandbox('starship', { rateLimitsDisabled: true });
});
afterAll(() => sb.close());
afterEach(() => expect(violations(sb)).toEqual([]));

describe('Idempotency-Key', () => {
  it('replays the original response byte for byte, with no second order or debit', async () => {
    const key = newKey();
    const first = await post(key);
    expect(first.status).toBe(201);
    const text = await first.text();
    const [afterFirst, count] = [await balance(), await orderCount()];
    const replay = await post(key);
    expect(replay.status).toBe(201);
    expect(await replay.text()).toBe(text);
    expect(replay.headers.get('x-request-id')).not.toBe(first.headers.get('x-request-id'));
    expect([await balance(), await orderCount()]).toEqual([afterFirst, count]);
  });

  it('answers the same key with a different body with 409 RESOURCE_CONFLICT, executing nothing', async () => {
    const key = newKey();
    await post(key);
    const [before, count] = [await balance(), await orderCount()];
    const res = await post(key, JSON.stringify({ product_id: 'amazon-gift-50', quantity: 2 }));
    expect(res.status).toBe(409);
    expect((await res.json()).error).toMatchObject({ code: 'RESOURCE_CONFLICT', name: 'ResourceConflict' });
    // Same JSON, other bytes: "same body" means the same raw bytes (D7).
    expect((await post(key, orderBody.replace(',', ', '))).status).toBe(409);
    expect([await balance(), await orderCount()]).toEqual([before, count]);
  });

  it.each([
    ['POST /orders', '/orders', orderBody],
    ['POST /cart/checkout', '/cart/checkout', JSON.stringify({ items: [{ product_id: 'amazon-gift-50', quantity: 1 }] })],
    ['POST /payouts', '/payouts', JSON.stringify({ amount: 5, currency: 'USD', destination: { type: 'bank_account', account_reference: 'acme-settlement-usd' } })],
  ])('requires the key on %s: 400 IDEMPOTENCY_KEY_MISSING', async (_what, path, body) => {
    const before = await balance();
    const res = await post(undefined, body, 'default', path);
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe('IDEMPOTENCY_KEY_MISSING');
    expect(await balance()).toBe(before);
  });

  it.each([
    ['7 characters', 'abcdefg'],
    ['257 characters', 'k'.repeat(257)],
    ['a control character', 'abc\tdefghij'],
    ['non-ASCII', 'clé-de-commande'],
  ])('rejects a key with %s: 400 IDEMPOTENCY_KEY_INVALID', async (_what, key) => {
    const res = await post(key);
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatchObject({ code: 'IDEMPOTENCY_KEY_INVALID', name: 'IdempotencyKeyInvalid' });
  });

  it('accepts the bounds: 8 and 256 printable characters, spaces included', async () => {
    expect((await post('a b c de')).status).toBe(201); // inner spaces: HTTP trims the ends
    expect((await post('~'.repeat(256))).status).toBe(201);
  });

  it('50 concurrent POSTs with one key create exactly one order and return 50 identical responses', async () => {
    const key = newKey();
    const [before, count] = [await balance(), await orderCount()];
    const responses = await Promise.all(Array.from({ length: 50 }, () => post(key)));
    const bodies = await Promise.all(responses.map((r) => r.text()));
    expect(new Set(responses.map((r) => r.status))).toEqual(new Set([201]));
    expect(new Set(bodies).size).toBe(1);
    expect(await orderCount()).toBe(count + 1);
    expect(await balance()).toBe(before - 50);
    expect(responses.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(49);
  });

  it('also holds for cart checkout and payouts (one cart, one payout)', async () => {
    const cart = JSON.stringify({ items: [{ product_id: 'starbucks-card-25', quantity: 1 }, { product_id: 'google-play-25', quantity: 1 }] });
    const payout = JSON.stringify({ amount: 12.5, currency: 'USD', destination: { type: 'bank_account', account_reference: 'acme-settlement-usd' } });
    const before = await balance();
    for (const [path, body] of [['/cart/checkout', cart], ['/payouts', payout]] as const) {
      const key = newKey();
      const all = await Promise.all(Array.from({ length: 10 }, () => post(key, body, 'default', path)));
      expect(new Set(await Promise.all(all.map((r) => r.text()))).size).toBe(1);
    }
    expect(await balance()).toBeCloseTo(before - 24.25 - 25 - 12.5, 2);
  });

  it('caches business errors but not rejections: a 401 retried with a valid signature executes', async () => {
    const key = newKey();
    const unsigned = await raw(sb, 'default', 'POST', '/orders', { body: orderBody, headers: { 'Idempotency-Key': key }, sign: false });
    expect(unsigned.status).toBe(401);
    expect((await post(key)).status).toBe(201);
    const failing = newKey();
    const body = JSON.stringify({ product_id: 'amazon-gift-100', quantity: 1 });
    const first = await post(failing, body);
    expect(first.status).toBe(422);
    await sb.control('POST', '/inventory', { product_id: 'amazon-gift-100', available: true, cache: 5 });
    const again = await post(failing, body);
    expect(again.status).toBe(422); // the stored answer, not a second execution
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect((await post(newKey(), body)).status).toBe(201);
  });

  it('does not store a 400 the operation raised: the corrected request with the same key runs (D7)', async () => {
    const key = newKey();
    const payout = (currency: string) => JSON.stringify({ amount: 3, currency, destination: { type: 'bank_account', account_reference: 'acme-settlement-usd' } });
    const wrong = await post(key, payout('EUR'), 'default', '/payouts');
    expect(wrong.status).toBe(400);
    const fixed = await post(key, payout('USD'), 'default', '/payouts');
    expect(fixed.status).toBe(201);
    expect((await post(key, payout('USD'), 'default', '/payouts')).headers.get('idempotent-replayed')).toBe('true');
  });

  it('scopes keys per API key: another credential with the same key and body executes', async () => {
    const key = newKey();
    const count = await orderCount();
    const first = await (await post(key)).json();
    const other = await (await post(key, orderBody, 'rotated')).json();
    expect(other.order_id).not.toBe(first.order_id);
    expect(await orderCount()).toBe(count + 2); // same partner: both orders are on its list
  });

  it('forgets a key after 24 hours: it is a fresh request again', async () => {
    const key = newKey();
    const first = await (await post(key)).json();
    await advance(sb, 24 * 3600 - 10);
    expect((await (await post(key)).json()).order_id).toBe(first.order_id);
    await advance(sb, 11);
    expect((await (await post(key)).json()).order_id).not.toBe(first.order_id);
  });
});

describe('rate limits', () => {
  it('POST /orders: 100/min per key (scaled to 5) → 429 RATE_LIMITED with Retry-After; other classes and keys unaffected', async () => {
    const limited = await startTestSandbox('starship', { rateLimitScale: 0.05 });
    try {
      const client = clientFor(limited);
      for (let i = 0; i < 5; i++) expect((await client.POST('/orders', { body: { product_id: 'amazon-gift-50', quantity: 1 } })).response.status).toBe(201);
      const over = await client.POST('/orders', { body: { product_id: 'amazon-gift-50', quantity: 1 } });
      expect(over.response.status).toBe(429);
      expect(over.error?.error).toMatchObject({ code: 'RATE_LIMITED', name: 'RateLimited' });
      const retryAfter = Number(over.response.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect((await client.GET('/wallet')).response.status).toBe(200); // general class
      expect((await clientFor(limited, 'legacy_concat').POST('/orders', { body: { product_id: 'amazon-gift-50', quantity: 1 } })).response.status).toBe(201); // another key
      expect((await client.POST('/cart/checkout', { body: { items: [{ product_id: 'amazon-gift-50', quantity: 1 }] } })).response.status).toBe(201); // general class
      await advance(limited, retryAfter);
      expect((await client.POST('/orders', { body: { product_id: 'amazon-gift-50', quantity: 1 } })).response.status).toBe(201);
      expect(violations(limited)).toEqual([]);
    } finally {
      await limited.close();
    }
  });

  it('general: 1000/h per key (scaled to 10), counting rejected calls too; POST /orders has its own class', async () => {
    const limited = await startTestSandbox('starship', { rateLimitScale: 0.01 });
    try {
      const client = clientFor(limited, 'unsigned');
      expect((await raw(limited, 'unsigned', 'GET', '/wallet', { headers: { 'X-API-Secret': 'wrong' } })).status).toBe(401);
      for (let i = 0; i < 9; i++) expect((await client.GET('/categories')).response.status).toBe(200);
      const over = await client.GET('/products');
      expect(over.response.status).toBe(429);
      expect(Number(over.response.headers.get('retry-after'))).toBeGreaterThan(3000);
      expect((await client.POST('/orders', { body: { product_id: 'amazon-gift-50', quantity: 1 } })).response.status).toBe(201);
      await advance(limited, 3600);
      expect((await client.GET('/products')).response.status).toBe(200);
      expect(violations(limited)).toEqual([]);
    } finally {
      await limited.close();
    }
  });
});
