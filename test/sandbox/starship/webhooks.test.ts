// Starship webhooks: endpoints registered through the API (secret returned once), deliveries
// signed with starship-webhook and that endpoint's secret, verified with the generated verifier,
// payloads without voucher codes, subscriptions, retries until a failing receiver recovers, and
// deletion. The API only takes HTTPS URLs, so each endpoint is forwarded to a local receiver
// through the control API (POST /_accord/webhooks/{id}/forward).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { verifyStarshipWebhook, type StarshipWebhook } from '../../../generated/starship/index.ts';
import { SignatureVerificationError } from '../../../signing/errors.ts';
import { eventually, startTestSandbox, startWebhookReceiver, type ReceivedDelivery, type TestSandbox, type WebhookReceiver } from '../../support/sandbox.ts';
import { advance, clientFor, violations } from './support.ts';

const ALL_EVENTS = ['order.created', 'order.processing', 'order.delivered', 'order.partially_delivered', 'order.cancelled', 'order.refunded', 'voucher.issued'] as const;

let sb: TestSandbox;
let receiver: WebhookReceiver;
let endpoint: { webhook_id: string; secret: string };
const c = () => clientFor(sb);

/** Verified deliveries that mention `orderId`, in arrival order. */
const hooksFor = (orderId: string, from: ReceivedDelivery[] = receiver.received) =>
  from.filter((d) => d.status === 200 && d.body.includes(orderId)).map((d) => verifyStarshipWebhook({ headers: d.headers, rawBody: d.body, secret: endpoint.secret }));

async function register(url: string, events: readonly string[] = ALL_EVENTS) {
  const res = await c().POST('/webhooks', { body: { url, events: events as never, description: 'Order events' } });
  expect(res.response.status).toBe(201);
  return res.data!;
}

beforeAll(async () => {
  sb = await startTestSandbox('starship', { rateLimitsDisabled: true, webhookTimeoutMs: 1000 });
  receiver = await startWebhookReceiver();
  const created = await register('https://hooks.acme.example/starship');
  endpoint = { webhook_id: created.webhook_id, secret: created.secret };
  await sb.control('POST', `/webhooks/${created.webhook_id}/forward`, { url: receiver.url });
});
afterAll(async () => {
  await receiver.close();
  await sb.close();
});
afterEach(() => expect(violations(sb)).toEqual([]));

describe('endpoint management', () => {
  it('returns the whsec_ secret once; the list never shows it', async () => {
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9]{32,}$/);
    const list = await c().GET('/webhooks');
    expect(list.data!.data).toEqual([expect.objectContaining({ webhook_id: endpoint.webhook_id, url: 'https://hooks.acme.example/starship', events: [...ALL_EVENTS], description: 'Order events' })]);
    expect(JSON.stringify(list.data)).not.toContain(endpoint.secret);
    expect((await clientFor(sb, 'unsigned').GET('/webhooks')).data!.data).toEqual([]); // per partner
  });

  it.each([
    ['a plain-http URL', { url: 'http://hooks.acme.example/x', events: ['order.created'] }],
    ['a roadmap event', { url: 'https://hooks.acme.example/x', events: ['reconciliation.drift'] }],
    ['no events', { url: 'https://hooks.acme.example/x', events: [] }],
    ['duplicate events', { url: 'https://hooks.acme.example/x', events: ['order.created', 'order.created'] }],
  ])('refuses %s with 400 VALIDATION_ERROR', async (_what, body) => {
    const res = await c().POST('/webhooks', { body: body as never });
    expect(res.response.status).toBe(400);
    expect(res.error?.error.code).toBe('VALIDATION_ERROR');
  });
});

describe('deliveries', () => {
  it('walks a cache-miss order through signed order.* and voucher.issued events, none carrying a code', async () => {
    const before = receiver.received.length;
    const order = (await c().POST('/orders', { body: { product_id: 'google-play-100', quantity: 2, reference: 'acme-po-7' } })).data!;
    await advance(sb, 1);
    await advance(sb, 3);
    await eventually(() => hooksFor(order.order_id).length === 5, 5000, 'five deliveries');
    const hooks = hooksFor(order.order_id);
    expect(hooks.map((h) => h.event)).toEqual(['order.created', 'order.processing', 'voucher.issued', 'voucher.issued', 'order.delivered']);
    const delivered = hooks.at(-1) as Extract<StarshipWebhook, { event: 'order.delivered' }>;
    expect(delivered.payload.data).toMatchObject({ order_id: order.order_id, status: 'DELIVERED', total_amount: 200, currency: 'USD', fulfilled_from: 'vendor', reference: 'acme-po-7' });
    expect(delivered.payload.event_id).toMatch(/^evt_[0-9A-HJKMNP-TV-Z]{26}$/);
    for (const d of receiver.received.slice(before)) expect(d.headers['x-starship-event']).toBe(JSON.parse(d.body).event);
    const { vouchers } = (await c().GET('/orders/{order_id}/vouchers', { params: { path: { order_id: order.order_id } } })).data!;
    expect(vouchers).toHaveLength(2);
    for (const v of vouchers) for (const d of receiver.received) expect(d.body).not.toContain(v.code);
  });

  it('signs with that endpoint\'s secret only: another secret does not verify', async () => {
    const d = receiver.received.at(-1)!;
    expect(d.headers['x-starship-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(() => verifyStarshipWebhook({ headers: d.headers, rawBody: d.body, secret: 'whsec_someoneElsesSecret00000000000000' })).toThrow(SignatureVerificationError);
    expect(() => verifyStarshipWebhook({ headers: d.headers, rawBody: d.body.replace('"USD"', '"EUR"'), secret: endpoint.secret })).toThrow(SignatureVerificationError);
  });

  it('sends a cache hit as order.created (already DELIVERED), voucher.issued and order.delivered', async () => {
    const order = (await c().POST('/orders', { body: { product_id: 'amazon-gift-50', quantity: 1 } })).data!;
    await advance(sb, 0);
    await eventually(() => hooksFor(order.order_id).length === 3, 5000, 'cache-hit deliveries');
    const hooks = hooksFor(order.order_id);
    expect(hooks.map((h) => [h.event, (h.payload as any).data.status])).toEqual([
      ['order.created', 'DELIVERED'],
      ['voucher.issued', undefined],
      ['order.delivered', 'DELIVERED'],
    ]);
    expect((hooks[1]!.payload as any).data).toEqual({ order_id: order.order_id, voucher_id: order.vouchers[0]!.voucher_id, product_id: 'amazon-gift-50', expiry: order.vouchers[0]!.expiry });
  });

  it('reports cancellation and the refund; a partial delivery as order.partially_delivered', async () => {
    const cancelled = (await c().POST('/orders', { body: { product_id: 'target-gift-50', quantity: 1 } })).data!;
    await c().POST('/orders/{order_id}/cancel', { params: { path: { order_id: cancelled.order_id } } });
    await sb.control('POST', '/faults', { name: 'vendor_partial' });
    const partial = (await c().POST('/orders', { body: { product_id: 'uber-eats-gift-50', quantity: 2 } })).data!;
    await advance(sb, 10);
    await eventually(() => hooksFor(cancelled.order_id).length === 3 && hooksFor(partial.order_id).length === 4, 5000, 'cancel and partial deliveries');
    expect(hooksFor(cancelled.order_id).map((h) => [h.event, (h.payload as any).data.status])).toEqual([
      ['order.created', 'PENDING'],
      ['order.cancelled', 'CANCELLED'],
      ['order.refunded', 'REFUNDED'],
    ]);
    expect(hooksFor(partial.order_id).map((h) => h.event)).toEqual(['order.created', 'order.processing', 'voucher.issued', 'order.partially_delivered']);
  });

  it('delivers only the subscribed events to an endpoint', async () => {
    const narrow = await startWebhookReceiver();
    try {
      const created = await register('https://hooks.acme.example/refunds', ['order.refunded']);
      await sb.control('POST', `/webhooks/${created.webhook_id}/forward`, { url: narrow.url });
      const order = (await c().POST('/orders', { body: { product_id: 'spotify-premium-30', quantity: 1 } })).data!;
      await c().POST('/orders/{order_id}/cancel', { params: { path: { order_id: order.order_id } } });
      await advance(sb, 5);
      await eventually(() => narrow.received.length === 1, 5000, 'the refund event');
      const hook = verifyStarshipWebhook({ headers: narrow.received[0]!.headers, rawBody: narrow.received[0]!.body, secret: created.secret });
      expect(hook.event).toBe('order.refunded');
      expect((await c().DELETE('/webhooks/{webhook_id}', { params: { path: { webhook_id: created.webhook_id } } })).response.status).toBe(204);
    } finally {
      await narrow.close();
    }
  });
});

describe('retries', () => {
  it('a receiver that fails its first deliveries gets every event once it recovers, with stable event ids', async () => {
    const start = receiver.received.length;
    receiver.failNext(6);
    const orders = [];
    for (const product_id of ['amazon-gift-50', 'google-play-25']) orders.push((await c().POST('/orders', { body: { product_id, quantity: 1 } })).data!.order_id);
    await advance(sb, 0);
    // Backoff 30 s, 60 s, 120 s, …: walk the clock through the retries.
    for (let i = 0; i < 8; i++) await advance(sb, 300);
    const attempts = receiver.received.slice(start);
    expect(attempts.filter((a) => a.status === 500)).toHaveLength(6);
    for (const id of orders) {
      const mine = attempts.filter((a) => a.body.includes(id));
      const events = new Map<string, Set<number>>();
      for (const a of mine) {
        const { event_id } = JSON.parse(a.body);
        events.set(event_id, (events.get(event_id) ?? new Set()).add(a.status));
      }
      // created, voucher.issued, delivered: each event delivered (200) in the end, whatever failed before.
      expect(events.size).toBe(3);
      for (const statuses of events.values()) expect(statuses.has(200)).toBe(true);
      // A retry resends the event's bytes unchanged.
      for (const eventId of events.keys()) expect(new Set(mine.filter((a) => a.body.includes(eventId)).map((a) => a.body)).size).toBe(1);
    }
    const { deliveries } = await sb.control<{ deliveries: Array<{ status: string }> }>('GET', '/deliveries?status=pending');
    expect(deliveries).toEqual([]);
  });

  it('retries a reply slower than the timeout (1 s here, 5 s by default) with the same event', async () => {
    receiver.delayNext(1, 1200);
    const id = (await c().POST('/orders', { body: { product_id: 'amazon-gift-50', quantity: 1 } })).data!.order_id;
    await advance(sb, 0); // order.created times out; the other two arrive
    await advance(sb, 30); // first retry
    const created = receiver.received.filter((d) => d.body.includes(id) && JSON.parse(d.body).event === 'order.created');
    expect(created).toHaveLength(2);
    expect(JSON.parse(created[0]!.body).event_id).toBe(JSON.parse(created[1]!.body).event_id);
    const { deliveries } = await sb.control<{ deliveries: Array<{ body: string; status: string; attempts: Array<{ error?: string }> }> }>('GET', '/deliveries?event=order.created');
    const mine = deliveries.find((d) => d.body.includes(id))!;
    expect(mine.status).toBe('delivered');
    expect(mine.attempts[0]!.error).toMatch(/no answer within 1 s/);
  });
});

describe('deletion', () => {
  it('stops deliveries to a deleted endpoint; unknown or foreign endpoints are 404', async () => {
    expect((await clientFor(sb, 'unsigned').DELETE('/webhooks/{webhook_id}', { params: { path: { webhook_id: endpoint.webhook_id } } })).response.status).toBe(404);
    const del = await c().DELETE('/webhooks/{webhook_id}', { params: { path: { webhook_id: endpoint.webhook_id } } });
    expect(del.response.status).toBe(204);
    const again = await c().DELETE('/webhooks/{webhook_id}', { params: { path: { webhook_id: endpoint.webhook_id } } });
    expect(again.error?.error.code).toBe('NOT_FOUND');
    const before = receiver.received.length;
    await c().POST('/orders', { body: { product_id: 'amazon-gift-50', quantity: 1 } });
    await advance(sb, 60);
    expect(receiver.received.length).toBe(before);
    expect((await c().GET('/webhooks')).data!.data).toEqual([]);
  });
});
