// The Starship sandbox, driven through the generated client: key-pair auth, per-credential HMAC
// (starship-hmac-v1 and the legacy concat recipe), catalog and pagination, orders from cache and
// from the vendor, vouchers, cancellation and refunds, cart checkout, payouts, transactions, the
// production-only X-Automation-Request rule, bad input and restarts. Webhooks, idempotency, rate
// limits and reconciliation are in test/sandbox/starship/. Every response is validated against
// the spec (violations must stay empty).
import fs from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createStarshipClient, type StarshipCredentials } from '../../generated/starship/index.ts';
import { tempDir } from '../support/fixtures.ts';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.ts';
import { advance, clientFor, credential, newKey, nowSeconds, raw, rawRequest, violations, type Role } from './starship/support.ts';

let sb: TestSandbox;
const c = (role: Role = 'default') => clientFor(sb, role);
const balance = async (role: Role = 'default') => (await c(role).GET('/wallet')).data!.balance;
const orderCount = async (role: Role = 'default') => Number((await c(role).GET('/orders', { params: { query: { per_page: 1 } } })).response.headers.get('x-total-count'));
const getOrder = async (id: string, role: Role = 'default') => (await c(role).GET('/orders/{order_id}', { params: { path: { order_id: id } } })).data!;
const vouchersOf = async (id: string) => (await c().GET('/orders/{order_id}/vouchers', { params: { path: { order_id: id } } })).data!;
const order = (product_id: string, quantity: number, reference?: string) => c().POST('/orders', { body: { product_id, quantity, ...(reference ? { reference } : {}) } });
const arm = (name: string, count = 1) => sb.control('POST', '/faults', { name, count });

beforeAll(async () => {
  sb = await startTestSandbox('starship', { rateLimitsDisabled: true });
});
afterAll(() => sb.close());
afterEach(() => expect(violations(sb)).toEqual([]));

describe('auth: X-API-Key + X-API-Secret', () => {
  it.each<[string, { key?: true | string; secret?: string }]>([
    ['no credentials', {}],
    ['a key without its secret', { key: true }],
    ['the wrong secret', { key: true, secret: 'sk_test_wrong' }],
    ['an unknown key', { key: 'pk_test_unknown', secret: 'sk_test_unknown' }],
  ])('answers %s with 401 E_UNAUTHORIZED_ACCESS', async (_what, o) => {
    const headers: Record<string, string> = {};
    if (o.key) headers['X-API-Key'] = o.key === true ? credential(sb, 'unsigned').credentials.apiKey! : o.key;
    if (o.secret) headers['X-API-Secret'] = o.secret;
    const res = await sb.fetch(`${sb.baseUrl}/wallet`, { headers });
    expect(res.status).toBe(401);
    expect((await res.json()).error).toMatchObject({ name: 'UnauthorizedAccess', code: 'E_UNAUTHORIZED_ACCESS' });
  });

  it('rejects a revoked pair; the previous pair of a rotation keeps working until revoked', async () => {
    const revoked = await c('revoked').GET('/wallet');
    expect(revoked.response.status).toBe(401);
    expect(revoked.error?.error.message).toMatch(/revoked/);
    const rotated = await c('rotated').GET('/wallet');
    expect(rotated.response.status).toBe(200);
    expect(rotated.data!.balance).toBe(await balance('default')); // same partner, same wallet
  });

  it('answers a valid pair from outside the IP allowlist with 403 IP_NOT_ALLOWED, after authentication', async () => {
    const res = await c('ip_restricted').GET('/categories');
    expect(res.response.status).toBe(403);
    expect(res.error?.error.code).toBe('IP_NOT_ALLOWED');
    const wrongSecret = await sb.fetch(`${sb.baseUrl}/categories`, { headers: { 'X-API-Key': credential(sb, 'ip_restricted').credentials.apiKey!, 'X-API-Secret': 'nope' } });
    expect(wrongSecret.status).toBe(401);
  });

  it('lets an HMAC-disabled credential in with the pair alone, and refuses an HMAC-enabled one that does not sign', async () => {
    expect((await raw(sb, 'unsigned', 'GET', '/wallet')).status).toBe(200);
    const unsigned = await raw(sb, 'default', 'GET', '/wallet', { sign: false });
    expect(unsigned.status).toBe(401);
    expect((await unsigned.json()).error.message).toMatch(/^missing request signature: .*starship-hmac-v1/);
  });

  it('echoes X-Request-Id, or generates a ULID', async () => {
    expect((await raw(sb, 'unsigned', 'GET', '/wallet', { headers: { 'X-Request-Id': 'trace-123' } })).headers.get('x-request-id')).toBe('trace-123');
    const res = await sb.fetch(`${sb.baseUrl}/wallet`);
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
  });
});

describe('signatures', () => {
  const body = JSON.stringify({ product_id: 'amazon-gift-50', quantity: 1 });
  const post = (options: Parameters<typeof raw>[4] = {}) => raw(sb, 'default', 'POST', '/orders', { body, headers: { 'Idempotency-Key': newKey() }, ...options });
  /** A correctly signed request, then changed after signing. */
  const tampered = async (change: (r: Request) => Request) => sb.fetch(change(await rawRequest(sb, 'default', 'POST', '/orders', { body, headers: { 'Idempotency-Key': newKey() } })));

  it.each([
    ['a tampered body', () => tampered((r) => new Request(r, { body: body.replace('"quantity":1', '"quantity":2') })), /^invalid request signature/],
    ['a tampered path', () => tampered((r) => new Request(r.url.replace('/orders', '/cart/checkout'), r)), /^invalid request signature/],
    ['a stale timestamp (301 s old)', () => post({ sign: { now: nowSeconds() - 301 } }), /^request timestamp expired: .*301 s older/],
    ['a future timestamp (301 s ahead)', () => post({ sign: { now: nowSeconds() + 301 } }), /^request timestamp expired: .*ahead/],
    ['no signature', () => post({ sign: false }), /^missing request signature/],
    ['the wrong secret', () => post({ sign: { secret: 'ssk_test_not-the-signing-secret' } }), /^invalid request signature/],
    ['the API secret instead of the signing secret', () => post({ sign: { secret: credential(sb, 'default').credentials.apiSecret! } }), /signing secret \(not X-API-Secret\)/],
    ['a malformed X-Signature', () => post({ sign: false, headers: { 'Idempotency-Key': newKey(), 'X-Signature': 'v1=abc' } }), /^malformed request signature/],
  ])('answers %s with 401 and changes nothing', async (_what, send, message) => {
    const before = await balance();
    const res = await send();
    expect(res.status).toBe(401);
    const text = await res.text();
    expect(JSON.parse(text).error.code).toBe('E_UNAUTHORIZED_ACCESS');
    expect(JSON.parse(text).error.message).toMatch(message);
    for (const secret of [credential(sb, 'default').signing!.secret!, credential(sb, 'default').credentials.apiSecret!]) expect(text).not.toContain(secret);
    expect(await balance()).toBe(before);
  });

  it('covers the sorted query: a changed query fails, the docs example query passes', async () => {
    const signed = await rawRequest(sb, 'default', 'GET', '/products?per_page=50&category_id=1');
    expect((await sb.fetch(signed.clone())).status).toBe(200);
    expect((await sb.fetch(new Request(signed.url.replace('per_page=50', 'per_page=5'), signed))).status).toBe(401);
  });

  it('accepts a timestamp just inside the ±300 s window (299 s old)', async () => {
    expect((await raw(sb, 'default', 'GET', '/wallet', { sign: { now: nowSeconds() - 299 } })).status).toBe(200);
  });

  it('verifies the legacy starship-hmac-concat credential with its API secret and X-Timestamp', async () => {
    const legacy = c('legacy_concat');
    expect((await legacy.GET('/wallet')).response.status).toBe(200);
    const created = await legacy.POST('/orders', { body: { product_id: 'amazon-gift-50', quantity: 1 } });
    expect(created.response.status).toBe(201);
    const signed = await rawRequest(sb, 'legacy_concat', 'GET', '/wallet');
    expect(signed.headers.get('x-timestamp')).toBe(signed.headers.get('x-signature')!.match(/^t=(\d+)/)![1]);
    const noTimestamp = new Request(signed);
    noTimestamp.headers.delete('X-Timestamp');
    expect((await (await sb.fetch(noTimestamp)).json()).error.message).toMatch(/^missing request signature: .*Missing: X-Timestamp/);
    const disagreeing = new Request(signed);
    disagreeing.headers.set('X-Timestamp', String(Number(signed.headers.get('x-timestamp')) - 1));
    expect((await sb.fetch(disagreeing)).status).toBe(401);
    // The concat recipe does not bind the query (a documented weakness of the legacy variant).
    const listed = await rawRequest(sb, 'legacy_concat', 'GET', '/products?per_page=50');
    expect((await sb.fetch(new Request(listed.url.replace('per_page=50', 'per_page=2'), listed))).status).toBe(200);
  });
});

describe('catalog', () => {
  it('lists categories with the five pagination headers', async () => {
    const res = await c().GET('/categories');
    expect(res.data!.data.map((x) => x.name)).toEqual(['Shopping', 'Food & Drink', 'Gaming & Apps', 'Entertainment', 'Travel']);
    expect(Object.fromEntries(['x-page', 'x-per-page', 'x-total-count', 'x-total-pages', 'x-has-more'].map((h) => [h, res.response.headers.get(h)]))).toEqual({
      'x-page': '1',
      'x-per-page': '20',
      'x-total-count': '5',
      'x-total-pages': '1',
      'x-has-more': 'false',
    });
  });

  it.each([
    [{ per_page: 5, page: 2 }, 5, '4', 'true'],
    [{ per_page: 5, page: 4 }, 1, '4', 'false'],
    [{ per_page: 5, page: 9 }, 0, '4', 'false'],
    [{ category_id: 3 }, 5, '1', 'false'],
    [{ category_id: 99 }, 0, '0', 'false'],
  ])('pages products %j', async (query, count, pages, more) => {
    const res = await c().GET('/products', { params: { query } });
    expect(res.data!.data).toHaveLength(count);
    expect(res.response.headers.get('x-total-pages')).toBe(pages);
    expect(res.response.headers.get('x-has-more')).toBe(more);
    if ('category_id' in query) expect(res.data!.data.every((p) => p.category_id === query.category_id)).toBe(true);
  });

  it('returns a product, 404 for an unknown one, 400 for per_page over 100', async () => {
    expect((await c().GET('/products/{product_id}', { params: { path: { product_id: 'amazon-gift-500' } } })).data).toMatchObject({ brand: 'Amazon', face_value: 500, price: 500, currency: 'USD', available: true });
    const missing = await c().GET('/products/{product_id}', { params: { path: { product_id: 'nope-gift-1' } } });
    expect(missing.response.status).toBe(404);
    expect(missing.error?.error.code).toBe('NOT_FOUND');
    const tooMany = await c().GET('/products', { params: { query: { per_page: 101 } } });
    expect(tooMany.response.status).toBe(400);
    expect(tooMany.error?.error.code).toBe('VALIDATION_ERROR');
  });
});

describe('orders', () => {
  it('cache hit: 201 DELIVERED with voucher metadata, the wallet debited, codes only from the vouchers endpoint', async () => {
    const before = await balance();
    const res = await c().POST('/orders', { body: { product_id: 'amazon-gift-50', quantity: 2, reference: 'acme-po-1001' }, parseAs: 'text' });
    expect(res.response.status).toBe(201);
    const created = JSON.parse(res.data as unknown as string);
    expect(created).toMatchObject({ status: 'DELIVERED', fulfilled_from: 'cache', quantity: 2, reference: 'acme-po-1001', total_amount: 100, currency: 'USD' });
    expect(created.vouchers).toHaveLength(2);
    for (const v of created.vouchers) expect(Object.keys(v).sort()).toEqual(['expiry', 'product_id', 'voucher_id']);
    expect(await balance()).toBe(before - 100);
    const codes = await vouchersOf(created.order_id);
    expect(codes.vouchers.map((v) => v.voucher_id)).toEqual(created.vouchers.map((v: any) => v.voucher_id));
    for (const v of codes.vouchers) {
      expect(v.code).toMatch(/^AMZN-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
      expect(res.data).not.toContain(v.code);
      expect(JSON.stringify(await getOrder(created.order_id))).not.toContain(v.code);
    }
    const txns = await c().GET('/transactions', { params: { query: { order_id: created.order_id } } });
    expect(txns.data!.data).toMatchObject([{ type: 'debit', amount: 100, order_id: created.order_id, balance_after: before - 100 }]);
  });

  it('cache miss: 202 PENDING → PROCESSING → DELIVERED from the vendor, in business time', async () => {
    const res = await order('google-play-100', 2);
    expect(res.response.status).toBe(202);
    expect(res.data).toMatchObject({ status: 'PENDING', fulfilled_from: null, vouchers: [] });
    const id = res.data!.order_id;
    expect((await vouchersOf(id)).vouchers).toEqual([]);
    await advance(sb, 1);
    expect((await getOrder(id)).status).toBe('PROCESSING');
    await advance(sb, 3);
    const done = await getOrder(id);
    expect(done).toMatchObject({ status: 'DELIVERED', fulfilled_from: 'vendor' });
    expect(done.vouchers).toHaveLength(2);
    expect((await vouchersOf(id)).vouchers.map((v) => v.code.slice(0, 4))).toEqual(['GPLY', 'GPLY']);
  });

  it('one clock jump plays the whole lifecycle; PIN brands return a PIN', async () => {
    const res = await order('steam-wallet-50', 1);
    await advance(sb, 60);
    const done = await getOrder(res.data!.order_id);
    expect(done.status).toBe('DELIVERED');
    expect(Date.parse(done.updated_at) - Date.parse(done.created_at)).toBeLessThanOrEqual(5_000);
    expect((await vouchersOf(done.order_id)).vouchers[0]!.pin).toMatch(/^\d{4}$/);
  });

  it('vendor_partial: PARTIALLY_DELIVERED with the allocated half, the remainder refunded', async () => {
    const before = await balance();
    await arm('vendor_partial');
    const id = (await order('uber-eats-gift-50', 4)).data!.order_id;
    await advance(sb, 10);
    const done = await getOrder(id);
    expect(done).toMatchObject({ status: 'PARTIALLY_DELIVERED', fulfilled_from: 'vendor', total_amount: 195 });
    expect(done.vouchers).toHaveLength(2);
    expect((await vouchersOf(id)).vouchers).toHaveLength(2);
    expect(await balance()).toBeCloseTo(before - 97.5, 2);
    const refunds = await c().GET('/transactions', { params: { query: { order_id: id, type: 'refund' } } });
    expect(refunds.data!.data.map((t) => t.amount)).toEqual([97.5]);
  });

  it('vendor_failure: FAILED, nothing issued, the whole amount refunded', async () => {
    const before = await balance();
    await arm('vendor_failure');
    const id = (await order('target-gift-50', 2)).data!.order_id;
    await advance(sb, 10);
    expect(await getOrder(id)).toMatchObject({ status: 'FAILED', fulfilled_from: null, vouchers: [] });
    expect(await balance()).toBe(before);
  });

  it('cancel: CANCELLED at once (idempotent), REFUNDED with the wallet credit once the refund runs', async () => {
    const before = await balance();
    const id = (await order('spotify-premium-30', 3)).data!.order_id;
    expect(await balance()).toBeCloseTo(before - 88.2, 2);
    const cancelled = await c().POST('/orders/{order_id}/cancel', { params: { path: { order_id: id } }, body: { reason: 'Customer changed their mind' } });
    expect(cancelled.data).toMatchObject({ order_id: id, status: 'CANCELLED' });
    expect((await c().POST('/orders/{order_id}/cancel', { params: { path: { order_id: id } } })).data!.status).toBe('CANCELLED');
    await advance(sb, 10); // neither processed nor fulfilled once cancelled
    expect((await getOrder(id)).status).toBe('REFUNDED');
    expect(await balance()).toBeCloseTo(before, 2);
    expect((await c().POST('/orders/{order_id}/cancel', { params: { path: { order_id: id } } })).data!.status).toBe('REFUNDED');
    const txns = await c().GET('/transactions', { params: { query: { order_id: id } } });
    expect(txns.data!.data.map((t) => t.type)).toEqual(['refund', 'debit']);
  });

  it('answers 409 ORDER_NOT_CANCELLABLE once a voucher is issued, 404 for unknown or foreign orders', async () => {
    const delivered = (await order('amazon-gift-50', 1)).data!.order_id;
    const res = await c().POST('/orders/{order_id}/cancel', { params: { path: { order_id: delivered } } });
    expect(res.response.status).toBe(409);
    expect(res.error?.error.code).toBe('ORDER_NOT_CANCELLABLE');
    expect((await c('unsigned').GET('/orders/{order_id}', { params: { path: { order_id: delivered } } })).response.status).toBe(404);
    expect((await c('unsigned').GET('/orders/{order_id}/vouchers', { params: { path: { order_id: delivered } } })).response.status).toBe(404);
    expect((await c().GET('/orders/{order_id}', { params: { path: { order_id: 'ord_01HX9QP0VEJTGCVWZH220B5ZKK' } } })).error?.error.code).toBe('NOT_FOUND');
  });

  it('admin_cancel: the admin gate cancels a pending order, then refunds it', async () => {
    const before = await balance();
    await arm('admin_cancel');
    const id = (await order('uber-rides-gift-25', 1)).data!.order_id;
    await advance(sb, 1);
    expect((await getOrder(id)).status).toBe('CANCELLED');
    await advance(sb, 2);
    expect((await getOrder(id)).status).toBe('REFUNDED');
    expect(await balance()).toBe(before);
  });

  it.each([
    ['an unknown product', 'nope-gift-1', 1, 404, 'NOT_FOUND', /nope-gift-1 not found/],
    ['an unavailable product', 'amazon-gift-100', 1, 422, 'INSUFFICIENT_INVENTORY', /^No vouchers available for product amazon-gift-100$/],
    ['more than the wallet holds', 'amazon-gift-500', 100, 422, 'INSUFFICIENT_BALANCE', /needs 50000.00 USD/],
  ])('refuses %s and creates and debits nothing', async (_what, product, quantity, status, code, message) => {
    const [before, count] = [await balance(), await orderCount()];
    const res = await order(product, quantity);
    expect(res.response.status).toBe(status);
    expect(res.error?.error).toMatchObject({ code, message: expect.stringMatching(message) });
    expect([await balance(), await orderCount()]).toEqual([before, count]);
  });

  it('lists orders newest first, filtered by status and creation date', async () => {
    const all = (await c().GET('/orders', { params: { query: { per_page: 100 } } })).data!.data;
    expect(all.length).toBeGreaterThan(5);
    expect(all.map((o) => o.created_at)).toEqual([...all.map((o) => o.created_at)].sort().reverse());
    const delivered = (await c().GET('/orders', { params: { query: { status: 'DELIVERED', per_page: 100 } } })).data!.data;
    expect(delivered.length).toBe(all.filter((o) => o.status === 'DELIVERED').length);
    const today = all[0]!.created_at.slice(0, 10);
    expect((await c().GET('/orders', { params: { query: { created_from: today, created_to: today, per_page: 100 } } })).data!.data.length).toBe(all.length);
    expect((await c().GET('/orders', { params: { query: { created_from: '2000-01-01', created_to: '2000-01-02' } } })).data!.data).toEqual([]);
    const inverted = await c().GET('/orders', { params: { query: { created_from: '2026-04-14', created_to: '2026-04-01' } } });
    expect(inverted.response.status).toBe(400);
    expect(inverted.error?.error.code).toBe('VALIDATION_ERROR');
  });
});

describe('cart checkout', () => {
  const checkout = (items: Array<{ product_id: string; quantity: number }>, reference?: string) => c().POST('/cart/checkout', { body: { items, ...(reference ? { reference } : {}) } });

  it('creates one order per line in request order: 201 when all come from cache, the total debited', async () => {
    const before = await balance();
    const res = await checkout([{ product_id: 'starbucks-card-25', quantity: 2 }, { product_id: 'xbox-gift-25', quantity: 1 }], 'cart-77');
    expect(res.response.status).toBe(201);
    expect(res.data!.orders.map((o) => [o.product_id, o.status, o.reference])).toEqual([
      ['starbucks-card-25', 'DELIVERED', 'cart-77'],
      ['xbox-gift-25', 'DELIVERED', 'cart-77'],
    ]);
    expect(await balance()).toBeCloseTo(before - 73, 2);
  });

  it('answers 202 when a line misses the cache; lines on one product draw on the cache in turn', async () => {
    await sb.control('POST', '/inventory', { product_id: 'doordash-gift-25', cache: 3 });
    const res = await checkout([{ product_id: 'doordash-gift-25', quantity: 2 }, { product_id: 'doordash-gift-25', quantity: 2 }]);
    expect(res.response.status).toBe(202);
    expect(res.data!.orders.map((o) => o.status)).toEqual(['DELIVERED', 'PENDING']);
    await advance(sb, 10);
    expect((await getOrder(res.data!.orders[1]!.order_id)).status).toBe('DELIVERED');
  });

  it.each([
    ['a line with an unknown product', [{ product_id: 'amazon-gift-50', quantity: 1 }, { product_id: 'nope-gift-1', quantity: 1 }], 404, 'NOT_FOUND'],
    ['a line without stock', [{ product_id: 'amazon-gift-50', quantity: 1 }, { product_id: 'amazon-gift-100', quantity: 1 }], 422, 'INSUFFICIENT_INVENTORY'],
    ['a total above the balance', [{ product_id: 'amazon-gift-50', quantity: 1 }, { product_id: 'amazon-gift-500', quantity: 30 }], 422, 'INSUFFICIENT_BALANCE'],
  ])('is atomic: %s fails the whole cart, nothing created or debited', async (_what, items, status, code) => {
    const [before, count] = [await balance(), await orderCount()];
    const res = await checkout(items);
    expect(res.response.status).toBe(status);
    expect(res.error?.error.code).toBe(code);
    expect([await balance(), await orderCount()]).toEqual([before, count]);
  });
});

describe('payouts', () => {
  const payout = (amount: number, extra: Record<string, unknown> = {}) =>
    c().POST('/payouts', { body: { amount, currency: 'USD', destination: { type: 'bank_account', account_reference: 'acme-settlement-usd' }, ...extra } as never });

  it('debits at once, then PENDING → PROCESSING → COMPLETED; listed newest first', async () => {
    const before = await balance();
    const res = await payout(250, { reference: 'acme-payout-2026-04' });
    expect(res.response.status).toBe(201);
    expect(res.data).toMatchObject({ status: 'PENDING', amount: 250, reference: 'acme-payout-2026-04', failure_reason: null });
    expect(await balance()).toBe(before - 250);
    const id = res.data!.payout_id;
    await advance(sb, 5);
    expect((await c().GET('/payouts/{payout_id}', { params: { path: { payout_id: id } } })).data!.status).toBe('PROCESSING');
    await advance(sb, 60);
    expect((await c().GET('/payouts/{payout_id}', { params: { path: { payout_id: id } } })).data!.status).toBe('COMPLETED');
    const second = (await payout(1)).data!.payout_id;
    expect((await c().GET('/payouts')).data!.data.map((p) => p.payout_id).slice(0, 2)).toEqual([second, id]);
    expect((await c().GET('/transactions', { params: { query: { type: 'payout', per_page: 1 } } })).data!.data[0]).toMatchObject({ payout_id: second, amount: 1 });
  });

  it('payout_failure: FAILED with a reason, the amount credited back', async () => {
    await advance(sb, 120); // settle earlier payouts: the fault hits the next one to settle
    const before = await balance();
    await arm('payout_failure');
    const id = (await payout(100)).data!.payout_id;
    await advance(sb, 120);
    expect((await c().GET('/payouts/{payout_id}', { params: { path: { payout_id: id } } })).data).toMatchObject({ status: 'FAILED', failure_reason: expect.stringContaining('rejected') });
    expect(await balance()).toBe(before);
    expect((await c().GET('/transactions', { params: { query: { per_page: 1 } } })).data!.data[0]).toMatchObject({ type: 'credit', amount: 100 });
  });

  it.each([
    ['another currency', { currency: 'EUR' }, 400, 'VALIDATION_ERROR'],
    ['an unregistered destination', { destination: { type: 'bank_account', account_reference: 'someone-else' } }, 400, 'VALIDATION_ERROR'],
    ['three decimals', { amount: 10.005 }, 400, 'VALIDATION_ERROR'],
    ['more than the balance', { amount: 1_000_000 }, 422, 'INSUFFICIENT_BALANCE'],
  ])('refuses %s and debits nothing', async (_what, extra, status, code) => {
    const before = await balance();
    const res = await payout(10, extra);
    expect(res.response.status).toBe(status);
    expect(res.error?.error.code).toBe(code);
    expect(await balance()).toBe(before);
  });

  it('answers 404 for an unknown or foreign payout', async () => {
    const id = (await payout(1)).data!.payout_id;
    expect((await c('unsigned').GET('/payouts/{payout_id}', { params: { path: { payout_id: id } } })).response.status).toBe(404);
  });
});

describe('wallet transactions', () => {
  it('lists movements newest first with balance_after chaining to the wallet, filtered and paged', async () => {
    const { data, response } = await c().GET('/transactions', { params: { query: { per_page: 100 } } });
    const txns = data!.data;
    expect(txns[0]!.balance_after).toBe(await balance());
    for (let i = 0; i + 1 < txns.length; i++) {
      const t = txns[i]!;
      const sign = t.type === 'debit' || t.type === 'payout' ? -1 : 1;
      expect(t.balance_after).toBeCloseTo(txns[i + 1]!.balance_after + sign * t.amount, 2);
    }
    expect(response.headers.get('x-total-count')).toBe(String(txns.length));
    const refunds = (await c().GET('/transactions', { params: { query: { type: 'refund', per_page: 100 } } })).data!.data;
    expect(refunds.length).toBeGreaterThan(0);
    expect(refunds.every((t) => t.type === 'refund' && t.order_id !== null)).toBe(true);
    expect((await c('unsigned').GET('/transactions')).data!.data).toEqual([]); // another partner's wallet
  });
});

describe('bad input never costs state', () => {
  const valid = { product_id: 'amazon-gift-50', quantity: 1 };
  it.each([
    ['malformed JSON', '{"product_id":', 'application/json', 400, 'VALIDATION_ERROR'],
    ['a wrong type', JSON.stringify({ ...valid, quantity: 'two' }), 'application/json', 400, 'VALIDATION_ERROR'],
    ['an unknown field', JSON.stringify({ ...valid, tip: 1 }), 'application/json', 400, 'VALIDATION_ERROR'],
    ['a quantity over 100', JSON.stringify({ ...valid, quantity: 101 }), 'application/json', 400, 'VALIDATION_ERROR'],
    ['a reference over 64 characters', JSON.stringify({ ...valid, reference: 'r'.repeat(65) }), 'application/json', 400, 'VALIDATION_ERROR'],
    ['an empty body', '', 'application/json', 400, 'VALIDATION_ERROR'],
    ['an oversized body (413: the 1 MiB limit, whatever the framing)', JSON.stringify({ ...valid, reference: 'x'.repeat(2 * 1024 * 1024) }), 'application/json', 413, 'VALIDATION_ERROR'],
    ['a form-encoded body', 'product_id=amazon-gift-50&quantity=1', 'application/x-www-form-urlencoded', 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['invalid UTF-8', new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), 'application/json', 400, 'VALIDATION_ERROR'],
  ])('answers %s with a 4xx in the envelope; wallet and orders unchanged', async (_what, body, type, status, code) => {
    const [before, count] = [await balance(), await orderCount()];
    const res = await raw(sb, 'default', 'POST', '/orders', { body, contentType: type, headers: { 'Idempotency-Key': newKey() } });
    expect(res.status).toBe(status);
    expect((await res.json()).error).toMatchObject({ code, name: expect.any(String), message: expect.any(String) });
    expect([await balance(), await orderCount()]).toEqual([before, count]);
  });

  it('answers bad path and query values with 400, unknown routes with 404, in the envelope', async () => {
    expect((await raw(sb, 'default', 'GET', '/orders/not-an-order-id')).status).toBe(400);
    expect((await raw(sb, 'default', 'GET', '/orders?status=LOST')).status).toBe(400);
    expect((await raw(sb, 'default', 'GET', '/products?page=0')).status).toBe(400);
    const unknown = await raw(sb, 'default', 'GET', '/vouchers');
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.code).toBe('NOT_FOUND');
  });
});

describe('X-Automation-Request', () => {
  it('is ignored by the sandbox in its default sandbox mode', async () => {
    const res = await c().POST('/orders', { body: { product_id: 'amazon-gift-50', quantity: 1 }, headers: { 'X-Automation-Request': 'true' } });
    expect(res.response.status).toBe(201);
  });

  it('in production mode: 403 FORBIDDEN_ACTION on writes (POST, DELETE), reads unaffected, nothing created', async () => {
    const prod = await startTestSandbox('starship', { rateLimitsDisabled: true, mode: 'production' });
    try {
      const client = clientFor(prod);
      const automated = { 'X-Automation-Request': '1' };
      const before = (await client.GET('/wallet', { headers: automated })).data!.balance;
      const res = await client.POST('/orders', { body: { product_id: 'amazon-gift-50', quantity: 1 }, headers: automated });
      expect(res.response.status).toBe(403);
      expect(res.error?.error).toMatchObject({ code: 'FORBIDDEN_ACTION', name: 'ForbiddenAction' });
      const del = await client.DELETE('/webhooks/{webhook_id}', { params: { path: { webhook_id: 'wh_01HX9TVKQENF8ZDGN9VBT5SNGY' } }, headers: automated });
      expect(del.error?.error.code).toBe('FORBIDDEN_ACTION');
      expect((await client.GET('/wallet')).data!.balance).toBe(before);
      expect((await client.POST('/orders', { body: { product_id: 'amazon-gift-50', quantity: 1 } })).response.status).toBe(201);
      expect(violations(prod)).toEqual([]);
    } finally {
      await prod.close();
    }
  });
});

describe('persistence', () => {
  it('keeps credentials, orders, wallet, pending lifecycle jobs and idempotency keys across a restart', async () => {
    const dir = tempDir('starship-state');
    try {
      const first = await startTestSandbox('starship', { dataDir: dir, rateLimitsDisabled: true });
      const creds = first.instance.credentials.default!;
      const key = newKey();
      const c1 = clientFor(first);
      const pending = await c1.POST('/orders', { body: { product_id: 'google-play-100', quantity: 1 }, headers: { 'Idempotency-Key': key } });
      expect(pending.response.status).toBe(202);
      const balanceBefore = (await c1.GET('/wallet')).data!.balance;
      await first.close();

      const second = await startTestSandbox('starship', { dataDir: dir, rateLimitsDisabled: true });
      expect(second.instance.credentials.default).toEqual(creds);
      const c2 = createStarshipClient({ environment: second.baseUrl, credentials: creds.credentials as unknown as StarshipCredentials, signing: { secret: creds.signing!.secret! }, fetch: second.fetch, retry: { maxRetries: 0 } });
      expect((await c2.GET('/wallet')).data!.balance).toBe(balanceBefore);
      const replay = await c2.POST('/orders', { body: { product_id: 'google-play-100', quantity: 1 }, headers: { 'Idempotency-Key': key } });
      expect(replay.response.status).toBe(202);
      expect(replay.data!.order_id).toBe(pending.data!.order_id);
      await advance(second, 10);
      expect((await c2.GET('/orders/{order_id}', { params: { path: { order_id: pending.data!.order_id } } })).data!.status).toBe('DELIVERED');
      expect(violations(second)).toEqual([]);
      await second.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
