// SIR Giving auth through the generated client and hand-signed requests: the documented 401/403
// codes, pk_ vs sk_ scope, sirgiving-hmac signature failures, the admin bearer surface, partner
// statuses and the key pair lifecycle (generate, rotate, revoke, live dataset).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSirGivingClient } from '../../../generated/sirgiving/index.ts';
import { client, creds, expectRateLimitHeadersEverywhere, violationsOf, extra, keyClient, now, raw, startSirGiving, type Role, type SirSandbox } from './support.ts';

let sb: SirSandbox;

beforeAll(async () => {
  sb = await startSirGiving({ rateLimitScale: 100 });
});
afterAll(() => sb.close());
afterEach(() => {
  expect(violationsOf(sb)).toEqual([]);
  expectRateLimitHeadersEverywhere(sb);
});

const admin = (role: Role = 'admin') => client(sb, role);
const partnerId = () => extra(sb).partnerId!;
const actionBody = { stakeholderTypeCode: 'VOLUNTEER_HOUR', tokens: 1, externalUserId: 'auth-user' };

describe('partner keys', () => {
  it.each([
    ['no X-Partner-Key', undefined, 'INVALID_API_KEY'],
    ['a malformed key', 'sk_test_123', 'INVALID_API_KEY'],
    ['an unknown well-formed key', `sk_test_${'ab'.repeat(32)}`, 'INVALID_API_KEY'],
  ])('answers %s with 401 %s', async (_what, key, code) => {
    const res = await sb.fetch(`${sb.baseUrl}/partner/config`, { headers: key ? { 'X-Partner-Key': key } : {} });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ statusCode: 401, error: 'Unauthorized', code });
  });

  it.each([
    ['revoked', 401, 'API_KEY_REVOKED'],
    ['expired', 401, 'API_KEY_EXPIRED'],
    ['suspended', 401, 'PARTNER_SUSPENDED'],
    ['pending', 401, 'PARTNER_NOT_ACTIVE'],
    ['ipRestricted', 403, 'IP_NOT_ALLOWED'],
  ] as const)('answers the %s credential with %i %s, on secret and publishable operations alike', async (role, status, code) => {
    for (const res of [await client(sb, role).GET('/token-pool'), await client(sb, role).GET('/partner/config')]) {
      expect(res.response.status).toBe(status);
      expect(res.error?.code).toBe(code);
    }
  });

  it('refuses pk_ keys on every secret-scope operation with 403 SECRET_KEY_REQUIRED and changes nothing', async () => {
    const pk = client(sb, 'publishable');
    const id = '0123456789abcdef01234567';
    const before = (await client(sb).GET('/token-pool')).data;
    const calls = [
      pk.POST('/actions', { body: actionBody }),
      pk.GET('/actions/{actionId}', { params: { path: { actionId: id } } }),
      pk.POST('/actions/{actionId}/reversal', { params: { path: { actionId: id } }, body: {} }),
      pk.GET('/transactions'),
      pk.GET('/token-pool'),
      pk.GET('/users'),
      pk.POST('/users', { body: { externalId: 'pk-user' } }),
      pk.GET('/webhooks'),
      pk.POST('/webhooks', { body: { url: 'https://hooks.example.org/sir', events: ['partner.status_changed'] } }),
      pk.DELETE('/webhooks/{webhookId}', { params: { path: { webhookId: id } } }),
      pk.GET('/campaigns'),
      pk.POST('/campaigns', { body: { name: 'x', isDefault: false, splitRules: [{ stakeholderTypeCode: 'VOLUNTEER_HOUR', allocations: [{ party: 'USER', percent: 100 }] }] } }),
    ];
    for (const res of await Promise.all(calls)) {
      expect(res.response.status).toBe(403);
      expect(res.error).toMatchObject({ statusCode: 403, error: 'Forbidden', code: 'SECRET_KEY_REQUIRED' });
    }
    expect((await client(sb).GET('/token-pool')).data).toEqual(before);
  });

  it('ignores a signature a pk_ key sends (pk_ calls are unsigned)', async () => {
    const res = await raw(sb, { path: '/partner/config', partnerKey: creds(sb, 'publishable').credentials.partnerKey!, secret: 'f'.repeat(64) });
    expect(res.status).toBe(200);
  });

  it('refuses bearer tokens on partner operations: they need X-Partner-Key', async () => {
    const res = await sb.fetch(`${sb.baseUrl}/partner/config`, { headers: { Authorization: `Bearer ${creds(sb, 'admin').credentials.adminBearer}` } });
    expect(res.status).toBe(401);
    expect((await res.json()).code).toBe('INVALID_API_KEY');
  });
});

describe('sirgiving-hmac signatures on sk_ calls', () => {
  const body = JSON.stringify(actionBody);
  it.each([
    ['no signature at all (unsigned sk_ call)', { path: '/token-pool', unsigned: true }, 'SIGNATURE_REQUIRED'],
    ['an unsigned sk_ call on a publishable operation', { path: '/partner/config', unsigned: true }, 'SIGNATURE_REQUIRED'],
    ['a signature without X-Timestamp', { path: '/token-pool', headers: { 'X-Signature': 'a'.repeat(64) }, unsigned: true }, 'SIGNATURE_REQUIRED'],
    ['a tampered body', { path: '/actions', body, send: { body: body.replace('"tokens":1', '"tokens":9') } }, 'INVALID_SIGNATURE'],
    ['a tampered path', { path: '/token-pool', send: { path: '/transactions' } }, 'INVALID_SIGNATURE'],
    ['a tampered query', { path: '/transactions', query: 'page=1', send: { query: 'page=2' } }, 'INVALID_SIGNATURE'],
    ['a stale timestamp (400 s old)', { path: '/token-pool', timestamp: now() - 400 }, 'TIMESTAMP_OUT_OF_WINDOW'],
    ['a future timestamp (400 s ahead)', { path: '/token-pool', timestamp: now() + 400 }, 'TIMESTAMP_OUT_OF_WINDOW'],
    ['a millisecond timestamp', { path: '/token-pool', timestamp: Date.now() }, 'TIMESTAMP_OUT_OF_WINDOW'],
    ['the wrong secret', { path: '/token-pool', secret: '0'.repeat(64) }, 'INVALID_SIGNATURE'],
    ['a malformed signature', { path: '/token-pool', unsigned: true, headers: { 'X-Timestamp': String(now()), 'X-Signature': 'not-hex' } }, 'INVALID_SIGNATURE'],
    ['a non-numeric timestamp', { path: '/token-pool', unsigned: true, headers: { 'X-Timestamp': 'yesterday', 'X-Signature': 'a'.repeat(64) } }, 'INVALID_SIGNATURE'],
  ])('answers %s with 401 %s and changes nothing', async (_what, request, code) => {
    const before = (await client(sb).GET('/token-pool')).data;
    const res = await raw(sb, request as any);
    expect(res.status).toBe(401);
    const json = await res.json();
    expect(json).toMatchObject({ statusCode: 401, error: 'Unauthorized', code });
    expect(json.message).not.toContain(creds(sb, 'default').signing!.secret);
    expect((await client(sb).GET('/token-pool')).data).toEqual(before);
  });

  it('accepts a timestamp inside the ±300 s window and a correctly signed query', async () => {
    expect((await raw(sb, { path: '/token-pool', timestamp: now() - 290 })).status).toBe(200);
    expect((await raw(sb, { path: '/token-pool', timestamp: now() + 290 })).status).toBe(200);
    expect((await raw(sb, { path: '/transactions', query: 'page=1&limit=5' })).status).toBe(200);
  });

  it('tells the caller what to check when the signature does not match', async () => {
    const res = await raw(sb, { path: '/token-pool', secret: '0'.repeat(64) });
    expect((await res.json()).message).toMatch(/HMAC signing secret/);
  });
});

describe('admin surface (bearer)', () => {
  it.each([
    ['no Authorization', {}, 401, 'ADMIN_UNAUTHORIZED'],
    ['a partner key instead of a bearer', { 'X-Partner-Key': 'PK' }, 401, 'ADMIN_UNAUTHORIZED'],
    ['an unknown bearer', { Authorization: 'Bearer not-a-real-token' }, 401, 'ADMIN_UNAUTHORIZED'],
    ['a staff token without the admin role', { Authorization: 'Bearer SUPPORT' }, 403, 'ADMIN_FORBIDDEN'],
  ])('answers %s with %i %s', async (_what, headers: Record<string, string>, status, code) => {
    const h = { ...headers };
    if (h['X-Partner-Key']) h['X-Partner-Key'] = creds(sb, 'default').credentials.partnerKey!;
    if (h.Authorization === 'Bearer SUPPORT') h.Authorization = `Bearer ${creds(sb, 'support').credentials.adminBearer}`;
    const res = await sb.fetch(`${sb.baseUrl}/admin/partners/${partnerId()}`, { method: 'PATCH', headers: { ...h, 'Content-Type': 'application/json' }, body: '{"tier":"STANDARD"}' });
    expect(res.status).toBe(status);
    expect((await res.json()).code).toBe(code);
  });

  it('answers unknown partners with 404 PARTNER_NOT_FOUND and an empty update with 400', async () => {
    const unknown = await admin().PATCH('/admin/partners/{partnerId}', { params: { path: { partnerId: '0123456789abcdef01234567' } }, body: { status: 'ACTIVE' } });
    expect([unknown.response.status, unknown.error?.code]).toEqual([404, 'PARTNER_NOT_FOUND']);
    const empty = await admin().PATCH('/admin/partners/{partnerId}', { params: { path: { partnerId: partnerId() } }, body: {} });
    expect([empty.response.status, empty.error?.code]).toEqual([400, 'VALIDATION_ERROR']);
  });
});

describe('partner statuses (admin PATCH)', () => {
  const pending = () => extra(sb, 'admin').pendingPartnerId!;
  const setStatus = (id: string, status: 'ACTIVE' | 'SUSPENDED' | 'DEACTIVATED' | 'PENDING_APPROVAL') => admin().PATCH('/admin/partners/{partnerId}', { params: { path: { partnerId: id } }, body: { status } });

  it('walks a partner PENDING_APPROVAL → ACTIVE → SUSPENDED → DEACTIVATED → ACTIVE, each status answered as documented', async () => {
    const c = client(sb, 'pending');
    expect((await c.GET('/partner/config')).error?.code).toBe('PARTNER_NOT_ACTIVE');
    const activated = await setStatus(pending(), 'ACTIVE');
    expect(activated.data).toMatchObject({ id: pending(), slug: 'civic-hours', status: 'ACTIVE', tier: 'STANDARD' });
    expect((await c.GET('/partner/config')).response.status).toBe(200);
    await setStatus(pending(), 'SUSPENDED');
    expect((await c.GET('/partner/config')).error?.code).toBe('PARTNER_SUSPENDED');
    await setStatus(pending(), 'DEACTIVATED');
    expect((await c.GET('/token-pool')).error?.code).toBe('PARTNER_NOT_ACTIVE');
    await setStatus(pending(), 'ACTIVE');
    expect((await c.GET('/partner/config')).response.status).toBe(200);
  });

  it('changes the tier, and with it the rate limit the headers report', async () => {
    const c = client(sb);
    expect((await c.GET('/partner/config')).response.headers.get('x-ratelimit-limit')).toBe(String(1000 * 100));
    const res = await admin().PATCH('/admin/partners/{partnerId}', { params: { path: { partnerId: partnerId() } }, body: { tier: 'ENTERPRISE' } });
    expect(res.data).toMatchObject({ tier: 'ENTERPRISE', status: 'ACTIVE' });
    expect((await c.GET('/partner/config')).response.headers.get('x-ratelimit-limit')).toBe(String(20000 * 100));
    await admin().PATCH('/admin/partners/{partnerId}', { params: { path: { partnerId: partnerId() } }, body: { tier: 'STANDARD' } });
  });
});

describe('key pairs (admin generate / rotate / revoke)', () => {
  const keysOf = (id = partnerId()) => ({ params: { path: { partnerId: id } } });

  it('generates a test pair returned once with its secrets; both keys work at once', async () => {
    const res = await admin().POST('/admin/partners/{partnerId}/keys', { ...keysOf(), body: { environment: 'test', scopes: ['actions'] } });
    expect(res.response.status).toBe(201);
    const pair = res.data!;
    expect(pair).toMatchObject({ partnerId: partnerId(), environment: 'test', status: 'ACTIVE', scopes: ['actions'], ipAllowlist: [], expiresAt: null, rotatedFromKeyId: null });
    expect(pair.publishableKey).toMatch(/^pk_test_[0-9a-f]{64}$/);
    expect(pair.secretKey).toMatch(/^sk_test_[0-9a-f]{64}$/);
    expect(pair.hmacSecret).toMatch(/^[0-9a-f]{64}$/);
    expect((await keyClient(sb, pair.secretKey, pair.hmacSecret).GET('/token-pool')).response.status).toBe(200);
    expect((await keyClient(sb, pair.publishableKey).GET('/partner/config')).response.status).toBe(200);
    // The new sk_ key signs with its own secret, not another pair's.
    expect((await keyClient(sb, pair.secretKey, creds(sb, 'default').signing!.secret).GET('/token-pool')).error?.code).toBe('INVALID_SIGNATURE');
  });

  it('rotates: the new pair has the same scopes, the old pair works until revoked, then 401 API_KEY_REVOKED at once', async () => {
    const old = (await admin().POST('/admin/partners/{partnerId}/keys', { ...keysOf(), body: { environment: 'test', scopes: ['actions', 'users'], ipAllowlist: ['127.0.0.1', '10.0.0.0/8'] } })).data!;
    const rotated = await admin().POST('/admin/partners/{partnerId}/keys/{keyId}/rotate', { params: { path: { partnerId: partnerId(), keyId: old.keyId } } });
    expect(rotated.response.status).toBe(201);
    const fresh = rotated.data!;
    expect(fresh).toMatchObject({ rotatedFromKeyId: old.keyId, scopes: ['actions', 'users'], ipAllowlist: ['127.0.0.1', '10.0.0.0/8'], environment: 'test', status: 'ACTIVE' });
    expect(fresh.secretKey).not.toBe(old.secretKey);
    expect(fresh.hmacSecret).not.toBe(old.hmacSecret);

    const oldClient = keyClient(sb, old.secretKey, old.hmacSecret);
    const newClient = keyClient(sb, fresh.secretKey, fresh.hmacSecret);
    expect((await oldClient.POST('/actions', { body: actionBody })).response.status).toBe(201);
    expect((await newClient.POST('/actions', { body: actionBody })).response.status).toBe(201);

    const revoked = await admin().DELETE('/admin/partners/{partnerId}/keys/{keyId}', { params: { path: { partnerId: partnerId(), keyId: old.keyId } } });
    expect(revoked.response.status).toBe(200);
    expect(revoked.data).toMatchObject({ keyId: old.keyId, status: 'REVOKED', publishableKey: old.publishableKey, secretKeyLast4: old.secretKey.slice(-4) });
    expect(revoked.data).not.toHaveProperty('secretKey');
    expect(revoked.data).not.toHaveProperty('hmacSecret');
    expect(revoked.data!.revokedAt).not.toBeNull();

    expect((await oldClient.GET('/token-pool')).error?.code).toBe('API_KEY_REVOKED');
    expect((await keyClient(sb, old.publishableKey).GET('/partner/config')).error?.code).toBe('API_KEY_REVOKED');
    expect((await newClient.GET('/token-pool')).response.status).toBe(200);

    const again = await admin().DELETE('/admin/partners/{partnerId}/keys/{keyId}', { params: { path: { partnerId: partnerId(), keyId: old.keyId } } });
    expect([again.response.status, again.error?.code]).toEqual([409, 'API_KEY_ALREADY_REVOKED']);
    const rotateRevoked = await admin().POST('/admin/partners/{partnerId}/keys/{keyId}/rotate', { params: { path: { partnerId: partnerId(), keyId: old.keyId } } });
    expect([rotateRevoked.response.status, rotateRevoked.error?.code]).toEqual([409, 'API_KEY_ALREADY_REVOKED']);
  });

  it('answers unknown keys and partners with 404, and refuses bad generate requests with 400', async () => {
    const otherPartnerKey = extra(sb, 'suspended').keyId!;
    const unknownKey = await admin().DELETE('/admin/partners/{partnerId}/keys/{keyId}', { params: { path: { partnerId: partnerId(), keyId: '0123456789abcdef01234567' } } });
    expect([unknownKey.response.status, unknownKey.error?.code]).toEqual([404, 'API_KEY_NOT_FOUND']);
    const foreignKey = await admin().POST('/admin/partners/{partnerId}/keys/{keyId}/rotate', { params: { path: { partnerId: partnerId(), keyId: otherPartnerKey } } });
    expect([foreignKey.response.status, foreignKey.error?.code]).toEqual([404, 'API_KEY_NOT_FOUND']);
    const unknownPartner = await admin().POST('/admin/partners/{partnerId}/keys', { ...keysOf('0123456789abcdef01234567'), body: { environment: 'test' } });
    expect([unknownPartner.response.status, unknownPartner.error?.code]).toEqual([404, 'PARTNER_NOT_FOUND']);
    for (const body of [{ environment: 'test', expiresAt: '2001-01-01T00:00:00Z' }, { environment: 'test', ipAllowlist: ['not-an-ip'] }, { environment: 'staging' }]) {
      const res = await admin().POST('/admin/partners/{partnerId}/keys', { ...keysOf(), body: body as any });
      expect([res.response.status, res.error?.code]).toEqual([400, 'VALIDATION_ERROR']);
    }
  });

  it('restricts a pair to its IP allowlist (in-process calls come from 127.0.0.1)', async () => {
    const allowed = (await admin().POST('/admin/partners/{partnerId}/keys', { ...keysOf(), body: { environment: 'test', ipAllowlist: ['127.0.0.0/8'] } })).data!;
    expect((await keyClient(sb, allowed.secretKey, allowed.hmacSecret).GET('/token-pool')).response.status).toBe(200);
    const elsewhere = (await admin().POST('/admin/partners/{partnerId}/keys', { ...keysOf(), body: { environment: 'test', ipAllowlist: ['2001:db8::/32'] } })).data!;
    expect((await keyClient(sb, elsewhere.publishableKey).GET('/partner/config')).error?.code).toBe('IP_NOT_ALLOWED');
  });

  it('gives live keys their own dataset: an empty pool, none of the test actions', async () => {
    const live = (await admin().POST('/admin/partners/{partnerId}/keys', { ...keysOf(), body: { environment: 'live' } })).data!;
    expect(live.publishableKey).toMatch(/^pk_live_/);
    const c = keyClient(sb, live.secretKey, live.hmacSecret);
    expect((await keyClient(sb, live.publishableKey).GET('/partner/config')).data).toMatchObject({ environment: 'live', defaultCampaignId: null });
    expect((await c.GET('/token-pool')).data).toMatchObject({ allocated: 0, available: 0 });
    const short = await c.POST('/actions', { body: actionBody });
    expect([short.response.status, short.error?.code]).toEqual([422, 'INSUFFICIENT_TOKEN_POOL']);
    const testAction = (await client(sb).POST('/actions', { body: actionBody })).data!;
    expect((await c.GET('/actions/{actionId}', { params: { path: { actionId: testAction.id } } })).error?.code).toBe('ACTION_NOT_FOUND');
  });

  it('expires a pair at its expiresAt (business clock): 401 API_KEY_EXPIRED', async () => {
    const local = await startSirGiving();
    try {
      const adminLocal = createSirGivingClient({ environment: local.baseUrl, credentials: { adminBearer: creds(local, 'admin').credentials.adminBearer! }, fetch: local.fetch });
      const expiresAt = new Date(Date.now() + 3600_000).toISOString();
      const pair = (await adminLocal.POST('/admin/partners/{partnerId}/keys', { params: { path: { partnerId: extra(local).partnerId! } }, body: { environment: 'test', expiresAt } })).data!;
      expect(pair.expiresAt).toBe(expiresAt);
      const c = keyClient(local, pair.secretKey, pair.hmacSecret);
      expect((await c.GET('/token-pool')).response.status).toBe(200);
      await local.control('POST', '/clock/advance', { seconds: 3601 });
      expect((await c.GET('/token-pool')).error?.code).toBe('API_KEY_EXPIRED');
      const revoked = await adminLocal.DELETE('/admin/partners/{partnerId}/keys/{keyId}', { params: { path: { partnerId: extra(local).partnerId!, keyId: pair.keyId } } });
      expect(revoked.data?.status).toBe('REVOKED');
      expect(violationsOf(local)).toEqual([]);
    } finally {
      await local.close();
    }
  });
});
