// The SIR Giving sandbox, driven through the generated client: publishable-scope reads and
// donation links, actions drawing on the token pool, reversal, the ledger, users, campaigns and
// the optional Idempotency-Key. Auth, signatures, admin keys and statuses live in
// sirgiving/auth.test.ts; webhooks in sirgiving/webhooks.test.ts; rate limits, bad input and
// restarts in sirgiving/limits.test.ts. Every response is validated against the spec.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { client, expectRateLimitHeadersEverywhere, violationsOf, extra, raw, startSirGiving, type SirSandbox } from './sirgiving/support.ts';

let sb: SirSandbox;

beforeAll(async () => {
  // Limits stay on (their headers are checked on every response) but far out of reach.
  sb = await startSirGiving({ rateLimitScale: 100 });
});
afterAll(() => sb.close());
afterEach(() => {
  expect(violationsOf(sb)).toEqual([]);
  expectRateLimitHeadersEverywhere(sb);
});

const pool = async () => (await client(sb).GET('/token-pool')).data!;
const ledgerTotal = async () => (await client(sb).GET('/transactions', { params: { query: { limit: 1 } } })).data!.pagination.total;
const userCount = async () => (await client(sb).GET('/users', { params: { query: { limit: 1 } } })).data!.pagination.total;

describe('publishable scope', () => {
  it('reads the public partner config with a pk_ key alone', async () => {
    const { data, response } = await client(sb, 'publishable').GET('/partner/config');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-signature')).toBeNull();
    expect(data).toMatchObject({ partnerId: extra(sb).partnerId, slug: 'acme-rewards', environment: 'test', integrationModel: 'BOTH' });
    expect(data!.stakeholderTypeCodes).toEqual(['VOLUNTEER_HOUR', 'DONATION_MATCH', 'RECYCLING_DROP']);
    expect(data!.defaultCampaignId).toMatch(/^[0-9a-f]{24}$/);
  });

  it('looks up a nonprofit by slug; an unknown slug is 404 NONPROFIT_NOT_FOUND, a malformed one 400', async () => {
    const c = client(sb, 'publishable');
    const found = await c.GET('/nonprofits/{slug}', { params: { path: { slug: 'city-food-bank' } } });
    expect(found.data).toMatchObject({ slug: 'city-food-bank', name: 'City Food Bank', verified: true });
    const missing = await c.GET('/nonprofits/{slug}', { params: { path: { slug: 'no-such-charity' } } });
    expect(missing.response.status).toBe(404);
    expect(missing.error?.code).toBe('NONPROFIT_NOT_FOUND');
    const malformed = await c.GET('/nonprofits/{slug}', { params: { path: { slug: 'Not_A_Slug' } } });
    expect(malformed.response.status).toBe(400);
    expect(malformed.error).toMatchObject({ statusCode: 400, error: 'Bad Request', code: 'VALIDATION_ERROR' });
  });

  it('creates donation links with a pk_ key; unknown nonprofits and campaigns are 422', async () => {
    const c = client(sb, 'publishable');
    const campaignId = (await c.GET('/partner/config')).data!.defaultCampaignId!;
    const link = await c.POST('/donation-links', { body: { nonprofitSlug: 'river-cleanup-fund', campaignId, externalUserId: 'user-8842', suggestedAmount: { amount: '25.00', currency: 'USD' }, metadata: { source: 'widget' } } });
    expect(link.response.status).toBe(201);
    expect(link.data).toMatchObject({ nonprofitSlug: 'river-cleanup-fund', campaignId, externalUserId: 'user-8842', metadata: { source: 'widget' } });
    expect(link.data!.url).toBe(`https://sirgiving.org/give/${link.data!.id}`);
    const minimal = await c.POST('/donation-links', { body: { nonprofitSlug: 'city-food-bank' } });
    expect(minimal.data).toMatchObject({ campaignId: null, externalUserId: null, suggestedAmount: null, metadata: {} });

    const noCharity = await c.POST('/donation-links', { body: { nonprofitSlug: 'no-such-charity' } });
    expect([noCharity.response.status, noCharity.error?.code]).toEqual([422, 'NONPROFIT_NOT_FOUND']);
    const noCampaign = await c.POST('/donation-links', { body: { nonprofitSlug: 'city-food-bank', campaignId: '0123456789abcdef01234567' } });
    expect([noCampaign.response.status, noCampaign.error?.code]).toEqual([422, 'CAMPAIGN_NOT_FOUND']);
  });

  it('serves the same publishable operations to a signed sk_ key', async () => {
    const { data } = await client(sb).GET('/partner/config');
    expect(data?.slug).toBe('acme-rewards');
  });
});

describe('actions and the token pool', () => {
  it('draws tokens for an external user (created on first use) and books an ACTION_DRAW', async () => {
    const c = client(sb);
    const before = await pool();
    const users = await userCount();
    const { data: action, response } = await c.POST('/actions', { body: { stakeholderTypeCode: 'VOLUNTEER_HOUR', tokens: 50, externalUserId: 'user-8842', metadata: { shiftId: 'shift-2026-001' } } });
    expect(response.status).toBe(201);
    expect(action).toMatchObject({ status: 'COMPLETED', tokens: 50, value: null, externalUserId: 'user-8842', metadata: { shiftId: 'shift-2026-001' }, reversal: null });
    expect(action!.campaignId).toBe((await c.GET('/partner/config')).data!.defaultCampaignId);

    const after = await pool();
    expect(after).toMatchObject({ allocated: before.allocated, drawn: before.drawn + 50, available: before.available - 50 });
    expect(await userCount()).toBe(users + 1);
    const user = (await c.GET('/users', { params: { query: { externalId: 'user-8842' } } })).data!.data[0]!;
    expect(user.id).toBe(action!.userId);

    const ledger = (await c.GET('/transactions', { params: { query: { actionId: action!.id } } })).data!;
    expect(ledger.data).toEqual([expect.objectContaining({ id: action!.transactionId, type: 'ACTION_DRAW', direction: 'DEBIT', tokens: 50, balanceAfter: after.available, actionId: action!.id })]);
    expect((await c.GET('/actions/{actionId}', { params: { path: { actionId: action!.id } } })).data).toEqual(action);

    // The same external user is matched, not created again.
    await c.POST('/actions', { body: { stakeholderTypeCode: 'VOLUNTEER_HOUR', tokens: 5, externalUserId: 'user-8842' } });
    expect(await userCount()).toBe(users + 1);
  });

  it('converts a value to tokens for a registered user and a named campaign', async () => {
    const c = client(sb);
    const users = (await c.GET('/users', { params: { query: { externalId: 'user-1001' } } })).data!.data;
    const campaignId = (await c.GET('/campaigns')).data!.data[0]!.id;
    const { data, response } = await c.POST('/actions', { body: { stakeholderTypeCode: 'DONATION_MATCH', value: { amount: '10.00', currency: 'USD' }, userId: users[0]!.id, campaignId } });
    expect(response.status).toBe(201);
    expect(data).toMatchObject({ tokens: 1000, value: { amount: '10.00', currency: 'USD' }, userId: users[0]!.id, externalUserId: null, campaignId });
  });

  it.each([
    ['an unregistered stakeholderTypeCode', { stakeholderTypeCode: 'BLOOD_DONATION', tokens: 5, externalUserId: 'user-422-a' }, 'STAKEHOLDER_TYPE_NOT_REGISTERED'],
    ['an unknown userId', { stakeholderTypeCode: 'VOLUNTEER_HOUR', tokens: 5, userId: '0123456789abcdef01234567' }, 'USER_NOT_FOUND'],
    ['an unknown campaignId', { stakeholderTypeCode: 'VOLUNTEER_HOUR', tokens: 5, externalUserId: 'user-422-b', campaignId: '0123456789abcdef01234567' }, 'CAMPAIGN_NOT_FOUND'],
    ['more tokens than the pool holds', { stakeholderTypeCode: 'VOLUNTEER_HOUR', tokens: 1_000_000_000, externalUserId: 'user-422-c' }, 'INSUFFICIENT_TOKEN_POOL'],
  ])('answers %s with 422 and changes nothing (no user, no draw)', async (_what, body, code) => {
    const before = await pool();
    const [users, entries] = [await userCount(), await ledgerTotal()];
    const res = await client(sb).POST('/actions', { body: body as any });
    expect(res.response.status).toBe(422);
    expect(res.error).toMatchObject({ statusCode: 422, error: 'Unprocessable Entity', code });
    expect(await pool()).toEqual(before);
    expect([await userCount(), await ledgerTotal()]).toEqual([users, entries]);
  });

  it.each([
    ['tokens and value together', { stakeholderTypeCode: 'VOLUNTEER_HOUR', tokens: 5, value: { amount: '1.00', currency: 'USD' }, externalUserId: 'x' }],
    ['no recipient', { stakeholderTypeCode: 'VOLUNTEER_HOUR', tokens: 5 }],
    ['userId and externalUserId together', { stakeholderTypeCode: 'VOLUNTEER_HOUR', tokens: 5, userId: '0123456789abcdef01234567', externalUserId: 'x' }],
    ['a currency the sandbox does not convert', { stakeholderTypeCode: 'VOLUNTEER_HOUR', value: { amount: '1.00', currency: 'JPY' }, externalUserId: 'x' }],
    ['zero tokens', { stakeholderTypeCode: 'VOLUNTEER_HOUR', tokens: 0, externalUserId: 'x' }],
  ])('answers %s with 400 VALIDATION_ERROR', async (_what, body) => {
    const before = await pool();
    const res = await client(sb).POST('/actions', { body: body as any });
    expect([res.response.status, res.error?.code]).toEqual([400, 'VALIDATION_ERROR']);
    expect(await pool()).toEqual(before);
  });

  it('reverses an action: tokens return to the pool, a REVERSAL is booked, a second reversal is 409', async () => {
    const c = client(sb);
    const action = (await c.POST('/actions', { body: { stakeholderTypeCode: 'RECYCLING_DROP', tokens: 120, externalUserId: 'user-rev' } })).data!;
    const drawn = await pool();
    const reversed = await c.POST('/actions/{actionId}/reversal', { params: { path: { actionId: action.id } }, body: { reason: 'Volunteer shift was cancelled.' } });
    expect(reversed.response.status).toBe(200);
    expect(reversed.data).toMatchObject({ id: action.id, status: 'REVERSED', tokens: 120, reversal: { reason: 'Volunteer shift was cancelled.', tokensReturned: 120 } });
    const after = await pool();
    expect(after).toMatchObject({ drawn: drawn.drawn - 120, available: drawn.available + 120 });

    const entries = (await c.GET('/transactions', { params: { query: { actionId: action.id } } })).data!.data;
    expect(entries.map((t) => [t.type, t.direction, t.tokens])).toEqual([
      ['REVERSAL', 'CREDIT', 120],
      ['ACTION_DRAW', 'DEBIT', 120],
    ]);
    expect(entries[0]).toMatchObject({ id: reversed.data!.reversal!.transactionId, balanceAfter: after.available, description: 'Volunteer shift was cancelled.' });
    expect((await c.GET('/actions/{actionId}', { params: { path: { actionId: action.id } } })).data!.status).toBe('REVERSED');

    const again = await c.POST('/actions/{actionId}/reversal', { params: { path: { actionId: action.id } }, body: {} });
    expect([again.response.status, again.error?.code]).toEqual([409, 'ACTION_ALREADY_REVERSED']);
    expect(await pool()).toEqual(after);
  });

  it('reverses without a body; unknown actions are 404 ACTION_NOT_FOUND, malformed ids 400', async () => {
    const c = client(sb);
    const action = (await c.POST('/actions', { body: { stakeholderTypeCode: 'VOLUNTEER_HOUR', tokens: 3, externalUserId: 'user-rev' } })).data!;
    const res = await raw(sb, { method: 'POST', path: `/actions/${action.id}/reversal` });
    expect(res.status).toBe(200);
    expect((await res.json()).reversal).toMatchObject({ reason: null, tokensReturned: 3 });
    const unknown = await c.POST('/actions/{actionId}/reversal', { params: { path: { actionId: '0123456789abcdef01234567' } }, body: {} });
    expect([unknown.response.status, unknown.error?.code]).toEqual([404, 'ACTION_NOT_FOUND']);
    const get = await c.GET('/actions/{actionId}', { params: { path: { actionId: '0123456789abcdef01234567' } } });
    expect([get.response.status, get.error?.code]).toEqual([404, 'ACTION_NOT_FOUND']);
    const malformed = await c.GET('/actions/{actionId}', { params: { path: { actionId: 'act-1' } } });
    expect([malformed.response.status, malformed.error?.code]).toEqual([400, 'VALIDATION_ERROR']);
  });

  it('refuses a draw the pool cannot cover until an allocation tops it up', async () => {
    const local = await startSirGiving();
    try {
      const c = client(local);
      const { available } = (await c.GET('/token-pool')).data!;
      expect((await c.POST('/actions', { body: { stakeholderTypeCode: 'VOLUNTEER_HOUR', tokens: available, externalUserId: 'big-spender' } })).response.status).toBe(201);
      expect((await c.GET('/token-pool')).data).toMatchObject({ available: 0, drawn: available });
      const short = await c.POST('/actions', { body: { stakeholderTypeCode: 'VOLUNTEER_HOUR', tokens: 1, externalUserId: 'big-spender' } });
      expect([short.response.status, short.error?.code]).toEqual([422, 'INSUFFICIENT_TOKEN_POOL']);
      expect(short.error?.message).toBe('Token pool has 0 tokens available; 1 requested.');

      await local.control('POST', '/token-pool', { tokens: 500, description: 'Top-up.' });
      expect((await c.POST('/actions', { body: { stakeholderTypeCode: 'VOLUNTEER_HOUR', tokens: 1, externalUserId: 'big-spender' } })).response.status).toBe(201);
      expect((await c.GET('/token-pool')).data).toMatchObject({ allocated: available + 500, available: 499 });

      // The other ledger types SIR Giving books itself (through the control API here).
      await local.control('POST', '/token-pool', { type: 'EXPIRATION', tokens: 99, description: 'Pool tokens expired.' });
      await local.control('POST', '/token-pool', { type: 'ADJUSTMENT', direction: 'DEBIT', tokens: 100 });
      const adjusted = (await c.GET('/token-pool')).data!;
      expect(adjusted).toMatchObject({ allocated: available + 400, available: 300 });
      const latest = (await c.GET('/transactions', { params: { query: { limit: 2 } } })).data!.data;
      expect(latest.map((t) => [t.type, t.direction, t.tokens, t.balanceAfter])).toEqual([
        ['ADJUSTMENT', 'DEBIT', 100, 300],
        ['EXPIRATION', 'DEBIT', 99, 400],
      ]);
      expect(violationsOf(local)).toEqual([]);
    } finally {
      await local.close();
    }
  });
});

describe('ledger', () => {
  it('lists newest first, filters by type and time, and paginates in the body', async () => {
    const c = client(sb);
    const all = (await c.GET('/transactions', { params: { query: { limit: 100 } } })).data!;
    expect(all.data.at(-1)).toMatchObject({ type: 'ALLOCATION', direction: 'CREDIT', tokens: 100_000, balanceAfter: 100_000, actionId: null });
    const times = all.data.map((t) => Date.parse(t.createdAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(all.data[0]!.balanceAfter).toBe((await pool()).available);

    const draws = (await c.GET('/transactions', { params: { query: { type: 'ACTION_DRAW', limit: 100 } } })).data!;
    expect(draws.data.length).toBeGreaterThan(0);
    expect(draws.data.every((t) => t.type === 'ACTION_DRAW')).toBe(true);

    const page2 = (await c.GET('/transactions', { params: { query: { page: 2, limit: 2 } } })).data!;
    expect(page2.pagination).toEqual({ page: 2, limit: 2, total: all.pagination.total, totalPages: Math.ceil(all.pagination.total / 2) });
    expect(page2.data).toEqual(all.data.slice(2, 4));

    const future = (await c.GET('/transactions', { params: { query: { from: '2999-01-01T00:00:00Z' } } })).data!;
    expect(future).toEqual({ data: [], pagination: { page: 1, limit: 20, total: 0, totalPages: 0 } });
    const bad = await c.GET('/transactions', { params: { query: { limit: 101 } } });
    expect([bad.response.status, bad.error?.code]).toEqual([400, 'VALIDATION_ERROR']);
  });
});

describe('users', () => {
  it('creates users, refuses a duplicate externalId with 409, lists newest first with pagination', async () => {
    const c = client(sb);
    const created = await c.POST('/users', { body: { externalId: 'user-7001', email: 'kim@example.org', displayName: 'Kim', metadata: { plan: 'gold' } } });
    expect(created.response.status).toBe(201);
    expect(created.data).toMatchObject({ externalId: 'user-7001', email: 'kim@example.org', displayName: 'Kim', metadata: { plan: 'gold' } });
    const dup = await c.POST('/users', { body: { externalId: 'user-7001' } });
    expect([dup.response.status, dup.error?.code]).toEqual([409, 'USER_ALREADY_EXISTS']);
    const first = (await c.GET('/users', { params: { query: { limit: 1 } } })).data!;
    expect(first.data[0]!.id).toBe(created.data!.id);
    const bad = await c.POST('/users', { body: { externalId: 'user-7002', email: 'not-an-email' } });
    expect([bad.response.status, bad.error?.code]).toEqual([400, 'VALIDATION_ERROR']);
  });
});

describe('campaigns', () => {
  it('creates a campaign that becomes the default; the old default steps down', async () => {
    const c = client(sb);
    const oldDefault = (await c.GET('/partner/config')).data!.defaultCampaignId;
    const created = await c.POST('/campaigns', {
      body: {
        name: 'Spring donation match',
        isDefault: true,
        splitRules: [{ stakeholderTypeCode: 'DONATION_MATCH', allocations: [{ party: 'USER', percent: 50 }, { party: 'NONPROFIT', percent: 50, nonprofitSlug: 'river-cleanup-fund' }] }],
        startsAt: '2020-03-01T00:00:00Z',
        endsAt: '2999-05-31T23:59:59Z',
      },
    });
    expect(created.response.status).toBe(201);
    expect(created.data).toMatchObject({ name: 'Spring donation match', isDefault: true, active: true });
    expect((await c.GET('/partner/config')).data!.defaultCampaignId).toBe(created.data!.id);
    const list = (await c.GET('/campaigns')).data!.data;
    expect(list.find((x) => x.id === oldDefault)?.isDefault).toBe(false);
    expect(list.filter((x) => x.isDefault).map((x) => x.id)).toEqual([created.data!.id]);
    // Actions without a campaign now use the new default.
    const action = (await c.POST('/actions', { body: { stakeholderTypeCode: 'DONATION_MATCH', tokens: 10, externalUserId: 'user-camp' } })).data!;
    expect(action.campaignId).toBe(created.data!.id);
  });

  it.each([
    ['percentages that do not sum to 100', [{ stakeholderTypeCode: 'VOLUNTEER_HOUR', allocations: [{ party: 'USER', percent: 60 }] }], 400, 'VALIDATION_ERROR'],
    ['a NONPROFIT share without a slug', [{ stakeholderTypeCode: 'VOLUNTEER_HOUR', allocations: [{ party: 'NONPROFIT', percent: 100 }] }], 400, 'VALIDATION_ERROR'],
    ['an unregistered stakeholderTypeCode', [{ stakeholderTypeCode: 'BLOOD_DONATION', allocations: [{ party: 'USER', percent: 100 }] }], 422, 'STAKEHOLDER_TYPE_NOT_REGISTERED'],
    ['an unknown nonprofit', [{ stakeholderTypeCode: 'VOLUNTEER_HOUR', allocations: [{ party: 'NONPROFIT', percent: 100, nonprofitSlug: 'no-such-charity' }] }], 422, 'NONPROFIT_NOT_FOUND'],
  ])('refuses %s', async (_what, splitRules, status, code) => {
    const c = client(sb);
    const count = (await c.GET('/campaigns')).data!.data.length;
    const res = await c.POST('/campaigns', { body: { name: 'Broken', isDefault: false, splitRules: splitRules as any } });
    expect([res.response.status, res.error?.code]).toEqual([status, code]);
    expect((await c.GET('/campaigns')).data!.data.length).toBe(count);
  });
});

describe('idempotency (optional Idempotency-Key on actions and reversals)', () => {
  const body = { stakeholderTypeCode: 'VOLUNTEER_HOUR', tokens: 7, externalUserId: 'user-idem' };
  const post = (key: string | undefined, b: object = body) => raw(sb, { path: '/actions', body: JSON.stringify(b), headers: key ? { 'Idempotency-Key': key } : {} });

  it('replays the byte-identical response without a second draw', async () => {
    const before = await pool();
    const first = await post('idem-action-0001');
    const firstText = await first.text();
    const second = await post('idem-action-0001');
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(await second.text()).toBe(firstText);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect((await pool()).available).toBe(before.available - 7);
  });

  it('answers the same key with another body with 409 IDEMPOTENCY_CONFLICT', async () => {
    await post('idem-action-0002');
    const before = await pool();
    const res = await post('idem-action-0002', { ...body, tokens: 8 });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ statusCode: 409, error: 'Conflict', code: 'IDEMPOTENCY_CONFLICT' });
    expect(await pool()).toEqual(before);
  });

  it.each([
    ['too short', 'short'],
    ['too long', 'k'.repeat(257)],
    ['holding a tab', 'idem\tkey-0001'],
    ['not ASCII', 'idem-key-\u00e9\u00e9\u00e9'],
  ])('answers a key that is %s with 400 INVALID_IDEMPOTENCY_KEY', async (_what, key) => {
    const before = await pool();
    const res = await raw(sb, { path: '/actions', body: JSON.stringify(body), headers: { 'Idempotency-Key': key } });
    expect(res.status).toBe(400);
    expect((await res.json()).code).toBe('INVALID_IDEMPOTENCY_KEY');
    expect(await pool()).toEqual(before);
  });

  it('treats a missing key as no idempotency: two posts, two actions', async () => {
    const before = await pool();
    const [a, b] = [await (await post(undefined)).json(), await (await post(undefined)).json()];
    expect(a.id).not.toBe(b.id);
    expect((await pool()).available).toBe(before.available - 14);
  });

  it('50 concurrent POSTs with one key create exactly one action and return 50 identical responses', async () => {
    const before = await pool();
    const draws = (await client(sb).GET('/transactions', { params: { query: { type: 'ACTION_DRAW', limit: 1 } } })).data!.pagination.total;
    const responses = await Promise.all(Array.from({ length: 50 }, () => post('idem-concurrent-0001')));
    const texts = await Promise.all(responses.map((r) => r.text()));
    expect(responses.every((r) => r.status === 201)).toBe(true);
    expect(new Set(texts).size).toBe(1);
    expect((await pool()).available).toBe(before.available - 7);
    expect((await client(sb).GET('/transactions', { params: { query: { type: 'ACTION_DRAW', limit: 1 } } })).data!.pagination.total).toBe(draws + 1);
  });

  it('replays a reversal under its key (200, not 409); without the key a second reversal is 409', async () => {
    const action = await (await post(undefined)).json();
    const reverse = (key?: string) => raw(sb, { path: `/actions/${action.id}/reversal`, body: '{"reason":"duplicate"}', headers: key ? { 'Idempotency-Key': key } : {} });
    const first = await reverse('idem-reversal-0001');
    const text = await first.text();
    const afterFirst = await pool();
    const replay = await reverse('idem-reversal-0001');
    expect([first.status, replay.status]).toEqual([200, 200]);
    expect(await replay.text()).toBe(text);
    expect(await pool()).toEqual(afterFirst);
    const fresh = await reverse();
    expect(fresh.status).toBe(409);
    expect((await fresh.json()).code).toBe('ACTION_ALREADY_REVERSED');
  });

  it('does not remember a 500: a retry with the same key after a forced failure executes once', async () => {
    const before = await pool();
    await sb.control('POST', '/faults', { name: 'action_internal_error' });
    const failed = await post('idem-fault-0001');
    expect(failed.status).toBe(500);
    expect(await failed.json()).toMatchObject({ statusCode: 500, code: 'INTERNAL_ERROR' });
    expect(await pool()).toEqual(before);
    const retried = await post('idem-fault-0001');
    expect(retried.status).toBe(201);
    expect((await post('idem-fault-0001')).headers.get('idempotent-replayed')).toBe('true');
    expect((await pool()).available).toBe(before.available - 7);
  });
});
