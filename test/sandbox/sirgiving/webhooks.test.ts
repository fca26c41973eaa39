// SIR Giving webhooks: endpoint registration through the API, partner.status_changed on admin
// status changes and api_key.expiring before a pair's expiresAt (a job in business time), each
// delivery signed with sirgiving-webhook using the partner's HMAC secret and verified here with
// the generated verifier; a failing receiver gets retries and every event once it recovers.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { verifySirGivingWebhook, type SirGivingWebhook } from '../../../generated/sirgiving/index.ts';
import { SignatureVerificationError } from '../../../signing/errors.ts';
import { eventually, startWebhookReceiver, type ReceivedDelivery, type WebhookReceiver } from '../../support/sandbox.ts';
import { client, creds, expectRateLimitHeadersEverywhere, violationsOf, extra, keyClient, startSirGiving, type SirSandbox } from './support.ts';

let sb: SirSandbox;
let receiver: WebhookReceiver;

beforeAll(async () => {
  sb = await startSirGiving({ rateLimitScale: 100 });
  receiver = await startWebhookReceiver();
  // Test receivers are plain http, which POST /webhooks refuses (https only): the control API adds them.
  for (const role of ['default', 'pending', 'suspended'] as const) {
    await sb.control('POST', '/webhook-endpoints', { url: receiver.url, owner: extra(sb, role).partnerId });
  }
});
afterAll(async () => {
  await receiver.close();
  await sb.close();
});
afterEach(() => {
  expect(violationsOf(sb)).toEqual([]);
  expectRateLimitHeadersEverywhere(sb);
});

const admin = () => client(sb, 'admin');
const setStatus = (partnerId: string, status: 'ACTIVE' | 'SUSPENDED' | 'DEACTIVATED' | 'PENDING_APPROVAL') => admin().PATCH('/admin/partners/{partnerId}', { params: { path: { partnerId } }, body: { status } });
const forPartner = (partnerId: string) => receiver.received.filter((d) => JSON.parse(d.body).partnerId === partnerId);
const verify = (d: ReceivedDelivery, secret: string): SirGivingWebhook => verifySirGivingWebhook({ headers: d.headers, rawBody: d.body, secret });

describe('registration', () => {
  it('registers an https endpoint, lists it, deletes it; a second delete is 404 WEBHOOK_NOT_FOUND', async () => {
    const c = client(sb);
    const created = await c.POST('/webhooks', { body: { url: 'https://127.0.0.1:9/sir-hooks', events: ['partner.status_changed', 'api_key.expiring'] } });
    expect(created.response.status).toBe(201);
    expect(created.data).toMatchObject({ url: 'https://127.0.0.1:9/sir-hooks', events: ['partner.status_changed', 'api_key.expiring'], active: true });
    const listed = (await c.GET('/webhooks')).data!.data;
    expect(listed).toEqual([created.data]);
    const del = await c.DELETE('/webhooks/{webhookId}', { params: { path: { webhookId: created.data!.id } } });
    expect(del.response.status).toBe(204);
    expect((await c.GET('/webhooks')).data!.data).toEqual([]);
    const again = await c.DELETE('/webhooks/{webhookId}', { params: { path: { webhookId: created.data!.id } } });
    expect([again.response.status, again.error?.code]).toEqual([404, 'WEBHOOK_NOT_FOUND']);
  });

  it.each([
    ['a plain http URL', { url: 'http://hooks.example.org/sir', events: ['partner.status_changed'] }],
    ['an unknown event', { url: 'https://hooks.example.org/sir', events: ['action.created'] }],
    ['no events', { url: 'https://hooks.example.org/sir', events: [] }],
  ])('refuses %s with 400', async (_what, body) => {
    const res = await client(sb).POST('/webhooks', { body: body as any });
    expect([res.response.status, res.error?.code]).toEqual([400, 'VALIDATION_ERROR']);
    expect((await client(sb).GET('/webhooks')).data!.data).toEqual([]);
  });

  it('queues deliveries to endpoints registered through the API, for their subscribed events and partner only', async () => {
    const c = client(sb);
    const statusOnly = (await c.POST('/webhooks', { body: { url: 'https://127.0.0.1:9/status-only', events: ['partner.status_changed'] } })).data!;
    const expiryOnly = (await c.POST('/webhooks', { body: { url: 'https://127.0.0.1:9/expiry-only', events: ['api_key.expiring'] } })).data!;
    await setStatus(extra(sb).partnerId!, 'SUSPENDED');
    await setStatus(extra(sb).partnerId!, 'ACTIVE');
    await setStatus(extra(sb).partnerId!, 'ACTIVE'); // no transition, no event
    await setStatus(extra(sb, 'suspended').partnerId!, 'SUSPENDED'); // no transition either
    await setStatus(extra(sb, 'pending').partnerId!, 'DEACTIVATED'); // another partner's event
    await setStatus(extra(sb, 'pending').partnerId!, 'PENDING_APPROVAL');
    await sb.control('POST', '/jobs/run');
    const { deliveries } = await sb.control('GET', '/deliveries');
    const to = (url: string) => deliveries.filter((d: any) => d.url === url);
    expect(to(statusOnly.url).map((d: any) => JSON.parse(d.body).data.currentStatus)).toEqual(['SUSPENDED', 'ACTIVE']);
    expect(to(expiryOnly.url)).toEqual([]);
    for (const id of [statusOnly.id, expiryOnly.id]) await c.DELETE('/webhooks/{webhookId}', { params: { path: { webhookId: id } } });
  });
});

describe('partner.status_changed', () => {
  it('fires on activation, signed with the partner HMAC secret and valid against the spec', async () => {
    const partnerId = extra(sb, 'pending').partnerId!;
    await setStatus(partnerId, 'ACTIVE');
    await sb.control('POST', '/jobs/run');
    await eventually(() => forPartner(partnerId).length > 0, 5000, 'partner.status_changed delivery');
    const delivery = forPartner(partnerId).at(-1)!;
    expect(delivery.headers['x-sir-event']).toBe('partner.status_changed');
    expect(delivery.headers['x-sir-signature']).toMatch(/^v1=[0-9a-f]{64}$/);
    const hook = verify(delivery, creds(sb, 'pending').signing!.secret!);
    expect(hook.event).toBe('partner.status_changed');
    if (hook.event === 'partner.status_changed') {
      expect(hook.payload).toMatchObject({ event: 'partner.status_changed', partnerId, data: { previousStatus: 'PENDING_APPROVAL', currentStatus: 'ACTIVE' } });
      expect(hook.payload.id).toMatch(/^[0-9a-f]{24}$/);
    }
    // Another partner's secret does not verify it.
    expect(() => verify(delivery, creds(sb, 'default').signing!.secret!)).toThrow(SignatureVerificationError);
  });

  it('does not fire when the status does not change (a tier change or the same status)', async () => {
    const partnerId = extra(sb, 'pending').partnerId!;
    const before = forPartner(partnerId).length;
    await admin().PATCH('/admin/partners/{partnerId}', { params: { path: { partnerId } }, body: { tier: 'PROFESSIONAL' } });
    await setStatus(partnerId, 'ACTIVE');
    await sb.control('POST', '/jobs/run');
    expect(forPartner(partnerId).length).toBe(before);
  });

  it('signs with the newest active pair after a rotation', async () => {
    const partnerId = extra(sb, 'pending').partnerId!;
    const rotated = (await admin().POST('/admin/partners/{partnerId}/keys/{keyId}/rotate', { params: { path: { partnerId, keyId: extra(sb, 'pending').keyId! } } })).data!;
    await setStatus(partnerId, 'SUSPENDED');
    await sb.control('POST', '/jobs/run');
    await eventually(() => forPartner(partnerId).some((d) => d.body.includes('"currentStatus":"SUSPENDED"')), 5000, 'suspension delivery');
    const delivery = forPartner(partnerId).find((d) => d.body.includes('"currentStatus":"SUSPENDED"'))!;
    expect(verify(delivery, rotated.hmacSecret).event).toBe('partner.status_changed');
    expect(() => verify(delivery, creds(sb, 'pending').signing!.secret!)).toThrow(SignatureVerificationError);
    await setStatus(partnerId, 'ACTIVE');
  });

  it('a receiver that fails its first deliveries receives every event after it recovers, none lost', async () => {
    const partnerId = extra(sb, 'suspended').partnerId!;
    const secret = creds(sb, 'suspended').signing!.secret!;
    await sb.control('POST', '/jobs/run');
    const seen = new Set(forPartner(partnerId).map((d) => JSON.parse(d.body).id));
    receiver.failNext(4);
    const transitions = ['ACTIVE', 'DEACTIVATED', 'SUSPENDED'] as const;
    for (const status of transitions) await setStatus(partnerId, status);
    await sb.control('POST', '/jobs/run');
    // Backoff 30 s, 60 s, 120 s…: walk the business clock through the retries.
    for (let i = 0; i < 6; i++) await sb.control('POST', '/clock/advance', { seconds: 300 });

    const fresh = forPartner(partnerId).filter((d) => !seen.has(JSON.parse(d.body).id));
    const byEvent = new Map<string, ReceivedDelivery[]>();
    for (const d of fresh) byEvent.set(JSON.parse(d.body).id, [...(byEvent.get(JSON.parse(d.body).id) ?? []), d]);
    expect(byEvent.size).toBe(3);
    expect(fresh.filter((d) => d.status !== 200).length).toBe(4);
    const delivered = [...byEvent.values()].map((attempts) => {
      expect(attempts.at(-1)!.status).toBe(200);
      // Same bytes, same event id and same X-SIR-Delivery on every attempt; each attempt verifies.
      expect(new Set(attempts.map((a) => a.body)).size).toBe(1);
      expect(new Set(attempts.map((a) => a.headers['x-sir-delivery'])).size).toBe(1);
      const hook = verify(attempts.at(-1)!, secret);
      return hook.event === 'partner.status_changed' ? hook.payload.data.currentStatus : null;
    });
    expect(delivered.sort()).toEqual([...transitions].sort());
    const { deliveries } = await sb.control('GET', `/deliveries?event=partner.status_changed`);
    for (const id of byEvent.keys()) expect(deliveries.find((d: any) => d.eventId === id).status).toBe('delivered');
  });
});

describe('api_key.expiring (a job in business time)', () => {
  it('warns 14 days before expiresAt, not for a pair revoked meanwhile; the pair then expires', async () => {
    const local = await startSirGiving();
    const localReceiver = await startWebhookReceiver();
    try {
      const partnerId = extra(local).partnerId!;
      await local.control('POST', '/webhook-endpoints', { url: localReceiver.url, events: ['api_key.expiring'] });
      const adminLocal = client(local, 'admin');
      const day = 24 * 3600;
      const clock = await local.control('GET', '/clock');
      const expiresAt = new Date(clock.epochMs + 20 * day * 1000).toISOString();
      const generate = async () => (await adminLocal.POST('/admin/partners/{partnerId}/keys', { params: { path: { partnerId } }, body: { environment: 'test', expiresAt } })).data!;
      const revokedFirst = await generate();
      const pair = await generate();
      await adminLocal.DELETE('/admin/partners/{partnerId}/keys/{keyId}', { params: { path: { partnerId, keyId: revokedFirst.keyId } } });

      await local.control('POST', '/clock/advance', { seconds: 5 * day });
      await local.control('POST', '/jobs/run');
      expect(localReceiver.received).toEqual([]);
      await local.control('POST', '/clock/advance', { seconds: day + 1 });
      await eventually(() => localReceiver.received.length > 0, 5000, 'api_key.expiring delivery');
      expect(localReceiver.received).toHaveLength(1);
      const delivery = localReceiver.received[0]!;
      expect(delivery.headers['x-sir-event']).toBe('api_key.expiring');
      // The newest active test pair signs: here the expiring pair itself.
      const hook = verifySirGivingWebhook({ headers: delivery.headers, rawBody: delivery.body, secret: pair.hmacSecret });
      expect(hook.event).toBe('api_key.expiring');
      if (hook.event === 'api_key.expiring') expect(hook.payload).toMatchObject({ partnerId, data: { keyId: pair.keyId, expiresAt, environment: 'test' } });

      expect((await keyClient(local, pair.secretKey, pair.hmacSecret).GET('/token-pool')).response.status).toBe(200);
      await local.control('POST', '/clock/advance', { seconds: 14 * day });
      expect((await client(local).GET('/token-pool')).response.status).toBe(200); // the seeded pair has no expiry
      expect((await keyClient(local, pair.secretKey, pair.hmacSecret).GET('/token-pool')).error?.code).toBe('API_KEY_EXPIRED');
      expect(violationsOf(local)).toEqual([]);
    } finally {
      await localReceiver.close();
      await local.close();
    }
  });
});
