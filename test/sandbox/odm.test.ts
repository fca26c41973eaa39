// The ODM sandbox, partner side, through the generated client: the D6 order of auth checks and
// their codes, signatures (tampered, stale, future, missing, wrong key), origin / status /
// surface refusals, vouchers (issue, list with pagination headers, get, cancel, access record),
// idempotency, bad input, rate limits and restarts. Merchant redemption, expiry and callbacks are
// in odm/redemption.test.ts. Every response is validated against the spec.
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/fixtures.ts';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.ts';
import { advance, businessIn, credentialOf, odmClient, rawRequest, voucherBody } from './odm/harness.ts';

let sb: TestSandbox;

beforeAll(async () => {
  sb = await startTestSandbox('odm', { rateLimitsDisabled: true });
});
afterAll(() => sb.close());
afterEach(() => expect(sb.violations).toEqual([]));

const now = () => Math.floor(Date.now() / 1000);
const issueBody = (reference: string) => JSON.stringify(voucherBody(reference));
const countVouchers = async (reference?: string) => {
  const res = await odmClient(sb).GET('/partner/v1/vouchers', { params: { query: { per_page: 100, ...(reference ? { reference } : {}) } } });
  return Number(res.response.headers.get('x-total-count'));
};
const strangerKey = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;

describe('authentication, in the documented order (D6)', () => {
  const cases: Array<[string, number, string, Parameters<typeof rawRequest>[1]]> = [
    ['no X-API-Key (and nothing else right)', 401, 'API_KEY_INVALID', { path: '/partner/v1/vouchers', drop: ['X-API-Key', 'X-Signature'], timestamp: 1 }],
    ['an unknown API key', 401, 'API_KEY_INVALID', { path: '/partner/v1/vouchers', headers: { 'X-API-Key': 'odm_test_partner_unknown' } }],
    ['a rotated key, correctly signed', 401, 'API_KEY_INVALID', { role: 'rotated', path: '/partner/v1/vouchers' }],
    ['no X-Signature (with a stale timestamp too)', 401, 'SIGNATURE_REQUIRED', { path: '/partner/v1/vouchers', drop: ['X-Signature'], timestamp: 1 }],
    ['no X-Timestamp (with a garbage signature too)', 401, 'SIGNATURE_REQUIRED', { path: '/partner/v1/vouchers', drop: ['X-Timestamp'], headers: { 'X-Signature': 'not base64!' } }],
    ['a stale timestamp and a garbage signature', 401, 'TIMESTAMP_OUT_OF_WINDOW', { path: '/partner/v1/vouchers', timestamp: now() - 3600, headers: { 'X-Signature': 'not base64!' } }],
    ['a timestamp in milliseconds', 401, 'TIMESTAMP_OUT_OF_WINDOW', { path: '/partner/v1/vouchers', timestamp: Date.now() }],
    ['a timestamp that is not a number', 401, 'TIMESTAMP_OUT_OF_WINDOW', { path: '/partner/v1/vouchers', headers: { 'X-Timestamp': '2026-01-01T00:00:00Z' } }],
    ['a signature that is not base64 of 64 bytes', 401, 'SIGNATURE_INVALID', { path: '/partner/v1/vouchers', headers: { 'X-Signature': 'c2hvcnQ=' } }],
    ['a bad signature from a disabled access record (signature before status)', 401, 'SIGNATURE_INVALID', { role: 'partner_disabled', path: '/partner/v1/vouchers', privateKey: strangerKey }],
    ['a bad signature from a foreign origin (signature before origin)', 401, 'SIGNATURE_INVALID', { role: 'partner_origin_restricted', path: '/partner/v1/vouchers', privateKey: strangerKey }],
    ['a signed call from an origin the access record does not allow', 403, 'ORIGIN_NOT_ALLOWED', { role: 'partner_origin_restricted', path: '/partner/v1/vouchers' }],
    ['a disabled access record', 403, 'API_ACCESS_DISABLED', { role: 'partner_disabled', path: '/partner/v1/vouchers' }],
    ['a disabled access record issuing without an Idempotency-Key (status before idempotency)', 403, 'API_ACCESS_DISABLED', { role: 'partner_disabled', path: '/partner/v1/vouchers', body: issueBody('x') }],
    ['a merchant credential on the partner surface', 403, 'PERMISSION_DENIED', { role: 'merchant', path: '/partner/v1/vouchers' }],
    ['a partner credential on the merchant surface', 403, 'PERMISSION_DENIED', { path: '/merchant/v1/vouchers/validate', body: JSON.stringify({ code: '7KQ2-M9XD-4HTP-2WVA' }) }],
    ['a merchant without the redemption permission', 403, 'PERMISSION_DENIED', { role: 'merchant_no_permission', path: '/merchant/v1/vouchers/validate', body: JSON.stringify({ code: '7KQ2-M9XD-4HTP-2WVA' }) }],
    ['a permitted partner issuing without an Idempotency-Key', 400, 'IDEMPOTENCY_KEY_REQUIRED', { path: '/partner/v1/vouchers', body: issueBody('x') }],
  ];
  it.each(cases)('%s → %i %s', async (_what, status, code, request) => {
    const res = await rawRequest(sb, request);
    expect(res.status).toBe(status);
    expect(res.json.error.code).toBe(code);
    expect(res.json.error.request_id).toBe(res.headers.get('x-request-id'));
    expect(res.json.error.message.length).toBeGreaterThan(10);
  });

  it('never echoes a key in an error message', async () => {
    const apiKey = credentialOf(sb, 'default').credentials.apiKey!;
    const res = await rawRequest(sb, { path: '/partner/v1/vouchers', privateKey: strangerKey });
    expect(res.text).not.toContain(apiKey);
    expect(res.text).not.toContain('PRIVATE KEY');
  });

  it('answers GET /partner/v1/access while the access record is disabled, and follows the portal status', async () => {
    const disabled = odmClient(sb, 'partner_disabled');
    const access = await disabled.GET('/partner/v1/access');
    expect(access.response.status).toBe(200);
    expect(access.data).toMatchObject({ status: 'disabled', access_id: credentialOf(sb, 'partner_disabled').extra!.accessId });
    const accessId = credentialOf(sb, 'partner_disabled').extra!.accessId;
    await sb.control('POST', '/portal/access', { access_id: accessId, status: 'enabled' });
    expect((await disabled.GET('/partner/v1/vouchers')).response.status).toBe(200);
    await sb.control('POST', '/portal/access', { access_id: accessId, status: 'disabled' });
    expect((await disabled.GET('/partner/v1/vouchers')).error?.error.code).toBe('API_ACCESS_DISABLED');
  });

  it('lets a partner in once the portal allows its origin', async () => {
    const accessId = credentialOf(sb, 'partner_origin_restricted').extra!.accessId;
    const restricted = odmClient(sb, 'partner_origin_restricted');
    expect((await restricted.GET('/partner/v1/access')).error?.error.code).toBe('ORIGIN_NOT_ALLOWED');
    await sb.control('POST', '/portal/access', { access_id: accessId, allowed_origins: ['203.0.113.10', '127.0.0.1'] });
    expect((await restricted.GET('/partner/v1/access')).data?.allowed_origins).toEqual(['203.0.113.10', '127.0.0.1']);
    await sb.control('POST', '/portal/access', { access_id: accessId, allowed_origins: ['203.0.113.10'] });
  });
});

describe('request signatures (odm-ed25519)', () => {
  const body = issueBody('sig-test');
  const tampered: Array<[string, () => Parameters<typeof rawRequest>[1]]> = [
    ['a tampered body', () => ({ path: '/partner/v1/vouchers', body, headers: { 'Idempotency-Key': 'sig-test-body-1' }, send: { body: body.replace('50000', '90000') } })],
    ['a tampered path', () => ({ path: '/partner/v1/vouchers/vch_01KDXQ7M3E9RZ4T6W8Y2B5C1NF', send: { path: '/partner/v1/vouchers/vch_01KDXR2A8P6H3J5K7M9N1Q4S6T' } })],
    ['a tampered query', () => ({ path: '/partner/v1/vouchers', query: 'page=1', send: { query: 'page=2' } })],
    ['an added query', () => ({ path: '/partner/v1/vouchers', send: { query: 'status=active' } })],
    ['a changed method', () => ({ method: 'POST', path: '/partner/v1/access', send: { method: 'GET' } })],
    ['another keypair', () => ({ path: '/partner/v1/vouchers', privateKey: strangerKey })],
    ["the merchant's private key with the partner's API key", () => ({ path: '/partner/v1/vouchers', privateKey: credentialOf(sb, 'merchant').signing!.privateKey! })],
  ];
  it.each(tampered)('rejects %s with 401 SIGNATURE_INVALID and changes nothing', async (_what, request) => {
    const before = await countVouchers();
    const res = await rawRequest(sb, request());
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe('SIGNATURE_INVALID');
    expect(await countVouchers()).toBe(before);
  });

  it.each([
    ['299 s old', -299, 200],
    ['299 s ahead', 299, 200],
    ['302 s old', -302, 401],
    ['302 s ahead', 302, 401],
  ])('a signature %s → %i', async (_what, offset, status) => {
    const res = await rawRequest(sb, { path: '/partner/v1/access', timestamp: now() + offset });
    expect(res.status).toBe(status);
    if (status === 401) expect(res.json.error.code).toBe('TIMESTAMP_OUT_OF_WINDOW');
  });

  it('signs the query as sorted on the wire (the generated client and a hand-signed call agree)', async () => {
    const res = await rawRequest(sb, { path: '/partner/v1/vouchers', query: 'status=active&per_page=5&page=1' });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-per-page')).toBe('5');
  });
});

describe('partner vouchers', () => {
  it('issues a voucher: the code only in the 201, the phone masked, optional inputs null', async () => {
    const c = odmClient(sb);
    const issued = await c.POST('/partner/v1/vouchers', { body: { amount: 2500, currency: 'USD', owner: { phone: '+447700900123' } } });
    expect(issued.response.status).toBe(201);
    expect(issued.data).toMatchObject({ status: 'active', amount: 2500, balance: 2500, currency: 'USD', reference: null, expires_at: null, owner: { phone_masked: '+447*******23', name: null } });
    expect(issued.data!.code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
    const read = await c.GET('/partner/v1/vouchers/{voucherId}', { params: { path: { voucherId: issued.data!.voucher_id } } });
    const { code: _code, ...withoutCode } = issued.data!;
    expect(read.data).toEqual(withoutCode);
    expect(JSON.stringify(read.data)).not.toContain(issued.data!.code);
  });

  it('lists newest first with pagination headers and filters', async () => {
    const c = odmClient(sb);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await c.POST('/partner/v1/vouchers', { body: voucherBody('page-test', 1000 + i) })).data!.voucher_id);
    const pages = [];
    for (const page of [1, 2, 3, 4]) {
      const res = await c.GET('/partner/v1/vouchers', { params: { query: { reference: 'page-test', per_page: 2, page } } });
      pages.push({
        ids: res.data!.data.map((v) => v.voucher_id),
        headers: ['x-page', 'x-per-page', 'x-total-count', 'x-total-pages', 'x-has-more'].map((h) => res.response.headers.get(h)),
      });
    }
    expect(pages.flatMap((p) => p.ids)).toEqual([...ids].reverse());
    expect(pages.map((p) => p.headers)).toEqual([
      ['1', '2', '5', '3', 'true'],
      ['2', '2', '5', '3', 'true'],
      ['3', '2', '5', '3', 'false'],
      ['4', '2', '5', '3', 'false'],
    ]);
    await c.POST('/partner/v1/vouchers/{voucherId}/cancel', { params: { path: { voucherId: ids[0]! } } });
    const cancelled = await c.GET('/partner/v1/vouchers', { params: { query: { reference: 'page-test', status: 'cancelled' } } });
    expect(cancelled.data!.data.map((v) => v.voucher_id)).toEqual([ids[0]]);
    const none = await c.GET('/partner/v1/vouchers', { params: { query: { reference: 'no-such-reference' } } });
    expect(none.data!.data).toEqual([]);
    expect(none.response.headers.get('x-total-pages')).toBe('0');
    expect(none.response.headers.get('x-has-more')).toBe('false');
    const defaults = await c.GET('/partner/v1/vouchers');
    expect([defaults.response.headers.get('x-page'), defaults.response.headers.get('x-per-page')]).toEqual(['1', '20']);
  });

  it('shows the seeded vouchers, never their codes', async () => {
    const { data } = await odmClient(sb).GET('/partner/v1/vouchers', { params: { query: { reference: 'welcome-2026' } } });
    expect(data!.data).toHaveLength(1);
    expect(JSON.stringify(data)).not.toContain(credentialOf(sb, 'merchant').extra!.sampleVoucherCode!);
  });

  it('cancels an active voucher once; a second cancel is 422 VOUCHER_CANCELLED', async () => {
    const c = odmClient(sb);
    const { data: v } = await c.POST('/partner/v1/vouchers', { body: voucherBody('cancel-test') });
    const cancelled = await c.POST('/partner/v1/vouchers/{voucherId}/cancel', { params: { path: { voucherId: v!.voucher_id } } });
    expect(cancelled.response.status).toBe(200);
    expect(cancelled.data).toMatchObject({ status: 'cancelled', balance: 50000 });
    const again = await c.POST('/partner/v1/vouchers/{voucherId}/cancel', { params: { path: { voucherId: v!.voucher_id } } });
    expect(again.response.status).toBe(422);
    expect(again.error?.error.code).toBe('VOUCHER_CANCELLED');
  });

  it("hides another partner's vouchers (404) and answers unknown ids with 404, malformed ones with 400", async () => {
    const { data: v } = await odmClient(sb).POST('/partner/v1/vouchers', { body: voucherBody('private') });
    const other = odmClient(sb, 'partner_other');
    const read = await other.GET('/partner/v1/vouchers/{voucherId}', { params: { path: { voucherId: v!.voucher_id } } });
    expect([read.response.status, read.error?.error.code]).toEqual([404, 'VOUCHER_NOT_FOUND']);
    const cancel = await other.POST('/partner/v1/vouchers/{voucherId}/cancel', { params: { path: { voucherId: v!.voucher_id } } });
    expect([cancel.response.status, cancel.error?.error.code]).toEqual([404, 'VOUCHER_NOT_FOUND']);
    expect((await other.GET('/partner/v1/vouchers', { params: { query: { reference: 'private' } } })).data!.data).toEqual([]);
    const unknown = await other.GET('/partner/v1/vouchers/{voucherId}', { params: { path: { voucherId: 'vch_01KDXQ7M3E9RZ4T6W8Y2B5C1NF' } } });
    expect(unknown.response.status).toBe(404);
    const malformed = await other.GET('/partner/v1/vouchers/{voucherId}', { params: { path: { voucherId: 'vch_nope' } } });
    expect([malformed.response.status, malformed.error?.error.code]).toEqual([400, 'VALIDATION_ERROR']);
    expect((await odmClient(sb).GET('/partner/v1/vouchers/{voucherId}', { params: { path: { voucherId: v!.voucher_id } } })).data?.status).toBe('active');
  });

  it('reads the API access record with both public keys', async () => {
    const credential = credentialOf(sb, 'default');
    const { data } = await odmClient(sb).GET('/partner/v1/access');
    expect(data).toMatchObject({
      access_id: credential.extra!.accessId,
      status: 'enabled',
      allowed_origins: ['127.0.0.1', '::1', 'localhost'],
      public_key: credential.extra!.publicKey,
      callback_public_key: credential.extra!.callbackPublicKeyBase64,
    });
  });

  it('answers a path that is no endpoint with 404 NOT_FOUND', async () => {
    const res = await rawRequest(sb, { path: '/partner/v2/vouchers' });
    expect([res.status, res.json.error.code]).toEqual([404, 'NOT_FOUND']);
  });
});

describe('idempotency (D10, D11)', () => {
  it('replays the identical response, code included, with no second voucher; another body → 409', async () => {
    const c = odmClient(sb);
    const key = 'idem-replay-0001';
    const first = await rawRequest(sb, { path: '/partner/v1/vouchers', body: issueBody('idem-replay'), headers: { 'Idempotency-Key': key } });
    const second = await rawRequest(sb, { path: '/partner/v1/vouchers', body: issueBody('idem-replay'), headers: { 'Idempotency-Key': key } });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.text).toBe(first.text);
    expect(await countVouchers('idem-replay')).toBe(1);
    const conflict = await c.POST('/partner/v1/vouchers', { body: voucherBody('idem-replay', 1), params: { header: { 'Idempotency-Key': key } } });
    expect([conflict.response.status, conflict.error?.error.code]).toEqual([409, 'IDEMPOTENCY_KEY_REUSED']);
    // Keys are per API key: another partner may use the same one.
    expect((await odmClient(sb, 'partner_other').POST('/partner/v1/vouchers', { body: voucherBody('idem-replay'), params: { header: { 'Idempotency-Key': key } } })).response.status).toBe(201);
  });

  it('50 concurrent issues with one key create one voucher and 50 identical responses', async () => {
    const key = 'idem-concurrent-0001';
    const results = await Promise.all(Array.from({ length: 50 }, () => rawRequest(sb, { path: '/partner/v1/vouchers', body: issueBody('idem-concurrent'), headers: { 'Idempotency-Key': key } })));
    expect(new Set(results.map((r) => r.status))).toEqual(new Set([201]));
    expect(new Set(results.map((r) => r.text)).size).toBe(1);
    expect(await countVouchers('idem-concurrent')).toBe(1);
  });

  it('replays a cancel without a second state change', async () => {
    const c = odmClient(sb);
    const { data: v } = await c.POST('/partner/v1/vouchers', { body: voucherBody('idem-cancel') });
    const path = `/partner/v1/vouchers/${v!.voucher_id}/cancel`;
    const first = await rawRequest(sb, { method: 'POST', path, headers: { 'Idempotency-Key': 'idem-cancel-1' } });
    const replay = await rawRequest(sb, { method: 'POST', path, headers: { 'Idempotency-Key': 'idem-cancel-1' } });
    const fresh = await rawRequest(sb, { method: 'POST', path, headers: { 'Idempotency-Key': 'idem-cancel-2' } });
    expect([first.status, replay.status, fresh.status]).toEqual([200, 200, 422]);
    expect(replay.text).toBe(first.text);
    expect(fresh.json.error.code).toBe('VOUCHER_CANCELLED');
  });

  it('rejects a malformed key with 400 VALIDATION_ERROR and stores nothing', async () => {
    const res = await rawRequest(sb, { path: '/partner/v1/vouchers', body: issueBody('idem-bad-key'), headers: { 'Idempotency-Key': 'short' } });
    expect([res.status, res.json.error.code]).toEqual([400, 'VALIDATION_ERROR']);
    expect(await countVouchers('idem-bad-key')).toBe(0);
  });

  it('a forced 500 stores nothing: the retry with the same key issues the voucher once', async () => {
    await sb.control('POST', '/faults', { name: 'internal_error' });
    const request = { path: '/partner/v1/vouchers', body: issueBody('idem-fault'), headers: { 'Idempotency-Key': 'idem-fault-0001' } };
    const failed = await rawRequest(sb, request);
    expect([failed.status, failed.json.error.code]).toEqual([500, 'INTERNAL_ERROR']);
    expect(await countVouchers('idem-fault')).toBe(0);
    const retried = await rawRequest(sb, request);
    expect(retried.status).toBe(201);
    expect(await countVouchers('idem-fault')).toBe(1);
  });
});

describe('bad input never costs state', () => {
  const body = voucherBody('bad-input');
  it.each([
    ['malformed JSON', '{"amount":', 'application/json'],
    ['a wrong type', JSON.stringify({ ...body, amount: '50000' }), 'application/json'],
    ['an unknown field', JSON.stringify({ ...body, tip: 1 }), 'application/json'],
    ['an unknown owner field', JSON.stringify({ ...body, owner: { phone: '+12025550143', email: 'a@b.c' } }), 'application/json'],
    ['a phone that is not E.164', JSON.stringify({ ...body, owner: { phone: '2025550143' } }), 'application/json'],
    ['an amount above the maximum', JSON.stringify({ ...body, amount: 100000001 }), 'application/json'],
    ['an unsupported currency', JSON.stringify({ ...body, currency: 'ZZZ' }), 'application/json'],
    ['an expiry in the past', JSON.stringify({ ...body, expires_at: '2020-01-01T00:00:00Z' }), 'application/json'],
    ['a body that is not JSON', 'amount=1', 'text/plain'],
    ['an oversized body', JSON.stringify({ ...body, reference: 'x'.repeat(2 * 1024 * 1024) }), 'application/json'],
  ])('answers %s with 400 VALIDATION_ERROR in the envelope', async (what, raw, type) => {
    const before = await countVouchers();
    const res = await rawRequest(sb, { path: '/partner/v1/vouchers', body: raw, headers: { 'Content-Type': type, 'Idempotency-Key': `bad-input-${what}` } });
    // Over the 1 MiB limit: 413, whatever the framing (sandbox/README "The HTTP edge").
    expect(res.status).toBe(raw.length > 1024 * 1024 ? 413 : 400);
    expect(res.json).toMatchObject({ error: { code: 'VALIDATION_ERROR', request_id: expect.stringMatching(/^req_/) } });
    expect(await countVouchers()).toBe(before);
  });

  it.each([
    ['per_page above 100', 'per_page=101'],
    ['page 0', 'page=0'],
    ['an unknown status', 'status=spent'],
  ])('answers a list query with %s with 400', async (_what, query) => {
    const res = await rawRequest(sb, { path: '/partner/v1/vouchers', query });
    expect([res.status, res.json.error.code]).toEqual([400, 'VALIDATION_ERROR']);
  });
});

describe('rate limits (D12, scaled down)', () => {
  it('counts only authenticated calls, per class, 429 RATE_LIMITED with Retry-After; the window resets in business time', async () => {
    // Scale 0.01: default 6 per 60 s, otp 1 per 60 s.
    const limited = await startTestSandbox('odm', { rateLimitScale: 0.01 });
    try {
      const c = odmClient(limited);
      for (let i = 0; i < 10; i++) expect((await rawRequest(limited, { path: '/partner/v1/access', privateKey: strangerKey })).status).toBe(401);
      for (let i = 0; i < 6; i++) expect((await c.GET('/partner/v1/access')).response.status).toBe(200);
      const over = await c.GET('/partner/v1/access');
      expect(over.response.status).toBe(429);
      expect(over.error?.error.code).toBe('RATE_LIMITED');
      expect(Number(over.response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      // Another key has its own budget.
      expect((await odmClient(limited, 'partner_other').GET('/partner/v1/access')).response.status).toBe(200);
      // OTP-sending calls have their own class.
      const m = odmClient(limited, 'merchant');
      const code = credentialOf(limited, 'merchant').extra!.sampleVoucherCode!;
      expect((await m.POST('/merchant/v1/vouchers/validate', { body: { code } })).response.status).toBe(200);
      const otpOver = await m.POST('/merchant/v1/vouchers/validate', { body: { code } });
      expect([otpOver.response.status, otpOver.error?.error.code]).toEqual([429, 'RATE_LIMITED']);
      expect((await m.GET('/merchant/v1/claims/{claimId}', { params: { path: { claimId: 'clm_01KE0B6Z1X3V5T7R9P2N4M6K8J' } } })).response.status).toBe(404);
      await advance(limited, 60);
      expect((await c.GET('/partner/v1/access')).response.status).toBe(200);
      expect(limited.violations).toEqual([]);
    } finally {
      await limited.close();
    }
  });
});

describe('persistence', () => {
  it('keeps credentials, vouchers, validations and pending expiry across a restart', async () => {
    const dir = tempDir('odm-state');
    try {
      const first = await startTestSandbox('odm', { dataDir: dir, rateLimitsDisabled: true });
      const credentials = first.instance.credentials;
      const expiresAt = await businessIn(first, 3600);
      const { data: v } = await odmClient(first).POST('/partner/v1/vouchers', { body: { ...voucherBody('restart'), expires_at: expiresAt } });
      const { data: validation } = await odmClient(first, 'merchant').POST('/merchant/v1/vouchers/validate', { body: { code: v!.code } });
      await first.close();

      const second = await startTestSandbox('odm', { dataDir: dir, rateLimitsDisabled: true });
      try {
        expect(second.instance.credentials).toEqual(credentials);
        const otp = (await second.control<{ otp: string }>('GET', `/otp?validation_id=${validation!.validation_id}`)).otp;
        const claim = await odmClient(second, 'merchant').POST('/merchant/v1/claims', { body: { validation_id: validation!.validation_id, otp, amount: 1000 } });
        expect(claim.data).toMatchObject({ amount: 1000, remaining_balance: 49000 });
        // The expiry job scheduled before the restart still runs.
        await advance(second, 3600);
        const read = await odmClient(second).GET('/partner/v1/vouchers/{voucherId}', { params: { path: { voucherId: v!.voucher_id } } });
        expect(read.data).toMatchObject({ status: 'expired', balance: 49000 });
        expect(second.violations).toEqual([]);
        expect(first.violations).toEqual([]);
      } finally {
        await second.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
