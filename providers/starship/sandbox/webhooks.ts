/**
 * Webhooks: endpoint registration (POST/GET/DELETE /webhooks, the secret shown once, D24) and the
 * events the order lifecycle raises, in the spec's envelope `{event, event_id, created_at, data}`
 * with order snapshots that never carry voucher codes (D25). Delivery, signing (starship-webhook
 * with the endpoint's secret) and retries are the core dispatcher's.
 */
import type { StarshipHandlers } from '../../../generated/starship/server.ts';
import { ProviderError } from '../../../runtime/server/errors.ts';
import { principalOf, type SandboxContext } from '../../../sandbox/provider.ts';
import type { WebhookEndpoint } from '../../../sandbox/webhooks.ts';
import { fromCents, KIND, newId, randomChars, type OrderRecord, type Schemas, type VoucherRecord, type WebhookRecord } from './model.ts';

/** The order.* events. */
export type OrderEvent = 'order.created' | 'order.processing' | 'order.delivered' | 'order.partially_delivered' | 'order.cancelled' | 'order.refunded';

const CORE_ENDPOINT = 'webhook_endpoint';

/** `data` of order.* events: the order snapshot, never codes. */
export const webhookData = (o: OrderRecord): Schemas['WebhookOrderData'] => ({
  order_id: o.order_id,
  status: o.status,
  total_amount: fromCents(o.totalCents),
  currency: o.currency,
  fulfilled_from: o.fulfilled_from,
  vouchers: o.vouchers,
  product_id: o.product_id,
  quantity: o.quantity,
  reference: o.reference,
});

/** Queues one event; `at` is when it was raised (business ms; default now). */
function emit(ctx: SandboxContext, owner: string, event: Schemas['WebhookEventType'], data: unknown, at = ctx.clock.now()): void {
  // No endpoint receives it: no event to build (an order without listeners is the common case).
  if (!ctx.webhooks?.wants(owner, event)) return;
  const eventId = newId('evt');
  ctx.webhooks?.emit(owner, event, eventId, { event, event_id: eventId, created_at: ctx.clock.iso(at), data });
}

/** Queues an order.* event with the order as it is now. */
export const emitOrderEvent = (ctx: SandboxContext, order: OrderRecord, event: OrderEvent, at?: number) => emit(ctx, order.owner, event, webhookData(order), at);

/** voucher.issued: which voucher, never its code. */
export const emitVoucherIssued = (ctx: SandboxContext, owner: string, v: VoucherRecord, at?: number) =>
  emit(ctx, owner, 'voucher.issued', { order_id: v.order_id, voucher_id: v.voucher_id, product_id: v.product_id, expiry: v.expiry } satisfies Schemas['VoucherIssuedData'], at);

const toEndpoint = (w: WebhookRecord): Schemas['WebhookEndpoint'] => ({ webhook_id: w.webhook_id, url: w.url, events: w.events, description: w.description, created_at: w.created_at });

/**
 * Points an endpoint's deliveries at another URL (the control API's forward, like a tunnel to a
 * local receiver); the API keeps showing the registered HTTPS URL. Returns false if unknown.
 */
export function forwardEndpoint(ctx: SandboxContext, webhookId: string, url: string): boolean {
  const endpoint = ctx.store.get<WebhookEndpoint>(CORE_ENDPOINT, webhookId);
  if (!endpoint || !ctx.store.get(KIND.webhook, webhookId)) return false;
  ctx.webhooks!.addEndpoint({ ...endpoint, url });
  return true;
}

/** listWebhookEndpoints, createWebhookEndpoint (secret once), deleteWebhookEndpoint. */
export function webhookHandlers(ctx: SandboxContext): Partial<StarshipHandlers> {
  return {
    listWebhookEndpoints: ({ state }) => ({ status: 200, body: { data: ctx.store.list<WebhookRecord>(KIND.webhook, principalOf(state).owner).map(toEndpoint) } }),
    createWebhookEndpoint: ({ body, state }) => {
      const owner = principalOf(state).owner;
      const record: WebhookRecord = { webhook_id: newId('wh'), owner, url: body.url, events: body.events, description: body.description ?? null, created_at: ctx.clock.iso() };
      const secret = `whsec_${randomChars(40)}`;
      ctx.store.transaction(() => {
        ctx.store.put(KIND.webhook, record.webhook_id, record, { owner });
        ctx.webhooks!.addEndpoint({ id: record.webhook_id, owner, url: record.url, events: record.events, secret, createdAt: record.created_at });
      });
      return { status: 201, body: { ...toEndpoint(record), secret } };
    },
    deleteWebhookEndpoint: ({ params, state }) => {
      const record = ctx.store.get<WebhookRecord>(KIND.webhook, params.webhook_id);
      if (!record || record.owner !== principalOf(state).owner) throw new ProviderError(404, 'NOT_FOUND', `webhook endpoint ${params.webhook_id} not found: list yours with GET /webhooks.`);
      // Pending retries stop: the dispatcher drops deliveries whose endpoint is gone.
      ctx.store.transaction(() => {
        ctx.store.delete(KIND.webhook, record.webhook_id);
        ctx.webhooks!.removeEndpoint(record.webhook_id);
      });
      return { status: 204, body: undefined };
    },
  };
}
