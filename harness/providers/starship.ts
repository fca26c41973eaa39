/** What the harness needs to know about Starship beyond its spec (data only, read by the checks through harness/registry.ts). */
import type { BehaviourDeclaration, FlowDeclaration, FlowScope, FlowStep, IdempotencyRecipe, ProviderHarness, RateLimitRecipe, WebhookDeclaration } from '../declarations.ts';
import { verifyStarshipWebhook } from '../../generated/starship/webhooks.ts';

/** idempotency_*: createOrder and createPayout work from the spec's examples (lists: GET /orders, GET /payouts, X-Total-Count). */
export const IDEMPOTENCY_RECIPES: Record<string, IdempotencyRecipe> = {
  // The example cart names a product the catalogue does not have (404); one orderable line is one order.
  checkoutCart: {
    input: { body: { items: [{ product_id: 'amazon-gift-50', quantity: 1 }], reference: 'accord-check-cart' } },
    list: { operationId: 'listOrders' },
  },
};

/** rate_limit: orders-create (100/60 s) has only createOrder, repeated under one Idempotency-Key (one order); general (1000/h) is beyond the bound. */
export const RATE_LIMIT_RECIPES: Record<string, RateLimitRecipe> = {};

/** Statuses an order ends in (D19); DELIVERED from the cache at once, the others after the vendor. */
const SETTLED = ['DELIVERED', 'PARTIALLY_DELIVERED', 'FAILED'];
const ORDER_ID = '$steps.create.body#/order_id';

/**
 * flows: an order through its life — the first orderable product of the catalogue, ordered once;
 * read back (polled until settled: a vendor order takes seconds), found in the list, its vouchers
 * fetched. Codes travel only in GET /orders/{order_id}/vouchers (D18). `role`: whose order it is.
 */
const orderFlow = (role: string | readonly string[] = 'default'): FlowDeclaration => ({
  name: 'order lifecycle',
  summary: 'create order → get → list → fetch vouchers; voucher codes only from the vouchers endpoint',
  steps: [
    { name: 'catalog', role, operation: 'listProducts', expect: { status: 200, that: [{ pointer: '/data/[available=true]', exists: true }] } },
    {
      name: 'create',
      role,
      operation: 'createOrder',
      body: { product_id: '$steps.catalog.body#/data/[available=true]/product_id', quantity: 1, reference: 'accord-flow-{$unique}' },
      expect: {
        status: [201, 202],
        that: [
          { pointer: '/order_id', exists: true },
          { pointer: '/product_id', equals: '$steps.catalog.body#/data/[available=true]/product_id' },
          { pointer: '/quantity', equals: 1 },
          { pointer: '/reference', equals: 'accord-flow-{$unique}' },
          { pointer: '/vouchers/*/code', exists: false },
        ],
      },
    },
    {
      name: 'get',
      role,
      operation: 'getOrder',
      path: { order_id: ORDER_ID },
      until: { pointer: '/status', oneOf: SETTLED, advanceSeconds: 2 },
      expect: {
        status: 200,
        that: [
          { pointer: '/order_id', equals: ORDER_ID },
          { pointer: '/status', equals: 'DELIVERED' },
          { pointer: '/vouchers', count: 1 },
          { pointer: '/vouchers/*/code', exists: false },
        ],
      },
    },
    { name: 'list', role, operation: 'listOrders', expect: { status: 200, that: [{ pointer: '/data', contains: { order_id: ORDER_ID, status: 'DELIVERED' } }, { pointer: '/data/*/vouchers/*/code', exists: false }] } },
    {
      name: 'vouchers',
      role,
      operation: 'getOrderVouchers',
      path: { order_id: ORDER_ID },
      codes: ['/vouchers/*/code'],
      expect: {
        status: 200,
        that: [
          { pointer: '/order_id', equals: ORDER_ID },
          { pointer: '/vouchers', count: '$steps.get.body#/vouchers' },
          { pointer: '/vouchers/0/voucher_id', equals: '$steps.get.body#/vouchers/0/voucher_id' },
          { pointer: '/vouchers/*/code', exists: true },
        ],
      },
    },
  ],
});

export const FLOWS: readonly FlowDeclaration[] = [orderFlow()];

const walletBalance = (s: FlowScope, step: string) => (s.steps[step]!.body as { balance: number }).balance;
const CANCEL_ORDER_ID = '$steps.order.body#/order_id';

/**
 * business_negative: a PENDING order (a product the cache does not hold, so the vendor is asked)
 * cancelled by the partner: CANCELLED at once, then REFUNDED with a `refund` transaction and the
 * wallet back to its balance (cancelOrder, D21). `role`: whose order it is.
 */
const cancelRefundFlow = (role: string | readonly string[] = 'default'): FlowDeclaration => ({
  name: 'cancel a pending order',
  summary: 'order (PENDING) → cancel → REFUNDED: a refund transaction, the wallet restored',
  steps: [
    { name: 'walletBefore', operation: 'getWallet', expect: { status: 200 } },
    { name: 'order', operation: 'createOrder', body: { product_id: 'target-gift-50', quantity: 1, reference: 'accord-cancel-{$unique}' }, expect: { status: 202, that: [{ pointer: '/status', equals: 'PENDING' }] } },
    { name: 'walletDebited', operation: 'getWallet', expect: { status: 200, that: [{ pointer: '/balance', equals: (s: FlowScope) => Math.round((walletBalance(s, 'walletBefore') - (s.steps.order!.body as { total_amount: number }).total_amount) * 100) / 100 }] } },
    { name: 'cancel', operation: 'cancelOrder', path: { order_id: CANCEL_ORDER_ID }, expect: { status: 200, that: [{ pointer: '/status', equals: 'CANCELLED' }] } },
    { name: 'refunded', operation: 'getOrder', path: { order_id: CANCEL_ORDER_ID }, until: { pointer: '/status', oneOf: ['REFUNDED'], advanceSeconds: 2 }, expect: { status: 200, that: [{ pointer: '/status', equals: 'REFUNDED' }] } },
    { name: 'refundBooked', operation: 'listTransactions', expect: { status: 200, that: [{ pointer: '/data', contains: { order_id: CANCEL_ORDER_ID, type: 'refund' } }] } },
    { name: 'walletRestored', operation: 'getWallet', expect: { status: 200, that: [{ pointer: '/balance', equals: '$steps.walletBefore.body#/balance' }] } },
  ].map((step) => ({ ...step, role })),
});

/**
 * The webhook test orders as Globex (`unsigned`, HMAC disabled) when the credentials file has it:
 * a partner the other checks do not write to, so its events go to this check's endpoint alone
 * (endpoints other checks register for the default partner would each get a copy).
 */
const WEBHOOK_ROLE = ['unsigned', 'default'];

/**
 * webhooks: endpoints are registered with POST /webhooks (https only, D24), which returns the
 * endpoint's signing secret once; the sandbox's control API forwards an endpoint to the local
 * receiver. The order lifecycle raises order.created, voucher.issued and order.delivered; a pending
 * order cancelled raises order.cancelled and, with its refund, order.refunded.
 */
export const WEBHOOKS: WebhookDeclaration = {
  api: {
    register: {
      name: 'register',
      role: WEBHOOK_ROLE,
      operation: 'createWebhookEndpoint',
      body: { url: '$vars.url', events: '$vars.events', description: 'accord check {$unique}' },
      secrets: ['/secret'],
      expect: { status: 201, that: [{ pointer: '/secret', exists: true }, { pointer: '/url', equals: '$vars.url' }] },
    },
    httpsOnly: true,
    placeholderUrl: 'https://127.0.0.1:9/accord-webhooks',
    reroute: { method: 'POST', path: '/webhooks/{$steps.register.body#/webhook_id}/forward', body: { url: '$vars.receiverUrl' } },
    remove: { name: 'remove', role: WEBHOOK_ROLE, operation: 'deleteWebhookEndpoint', path: { webhook_id: '$steps.register.body#/webhook_id' }, expect: { status: 204 } },
  },
  key: { secret: '$steps.register.body#/secret' },
  eventId: { pointer: '/event_id' },
  verify: verifyStarshipWebhook,
  triggers: [
    { flow: orderFlow(WEBHOOK_ROLE), events: ['order.created', 'voucher.issued', 'order.delivered'] },
    // A pending order cancelled: order.cancelled at once, order.refunded with the refund (D21).
    { flow: cancelRefundFlow(WEBHOOK_ROLE), events: ['order.cancelled', 'order.refunded'] },
  ],
};

const summary = (s: FlowScope) => (s.steps.summary!.body as { summary: Record<string, number>; drifts: unknown[] });

/**
 * document_consistency: the daily reconciliation summary (D27) of a day with one drift and one
 * unmatched voucher recorded (control API) must add up. A day's summary exists from 00:30 UTC the
 * next day, so the business clock is moved on a day and a half hour.
 */
const reconciliationFlow: FlowDeclaration = {
  name: 'reconciliation summary',
  summary: 'an order of two vouchers, a drift and an unmatched voucher on it, the next day’s summary adds up',
  control: 'drifts are found by Starship’s reconciliation against vendor records; only the sandbox control API records one',
  steps: [
    { name: 'order', operation: 'createOrder', body: { product_id: 'google-play-25', quantity: 2, reference: 'accord-reconcile-{$unique}' }, expect: { status: 201, that: [{ pointer: '/status', equals: 'DELIVERED' }] } },
    { name: 'drift', control: { method: 'POST', path: '/reconciliation/drifts', body: { order_id: '$steps.order.body#/order_id', kind: 'drift' } } },
    { name: 'unmatched', control: { method: 'POST', path: '/reconciliation/drifts', body: { order_id: '$steps.order.body#/order_id', kind: 'unmatched' } } },
    { name: 'nextDay', control: { method: 'POST', path: '/clock/advance', body: { seconds: 86_400 + 31 * 60 } } },
    { name: 'summary', operation: 'getDailyReconciliation', path: { date: (s: FlowScope) => String((s.steps.order!.body as { created_at: string }).created_at).slice(0, 10) }, expect: { status: 200 } },
    {
      name: 'arithmetic',
      operation: 'getDailyReconciliation',
      path: { date: '$steps.summary.request.path.date' },
      expect: {
        status: 200,
        that: [
          { pointer: '/summary/vouchers_allocated', equals: (s: FlowScope) => summary(s).summary.matched! + summary(s).summary.drifted! + summary(s).summary.unmatched! },
          { pointer: '/summary/drifted', equals: (s: FlowScope) => summary(s).drifts.length },
          { pointer: '/drifts', count: '$steps.summary.body#/drifts' },
        ],
      },
    },
  ],
};

/** The behaviour checks' declarations (harness/declarations.ts), read through harness/registry.ts. */
export const BEHAVIOUR: BehaviourDeclaration = {
  // "Per API key, per endpoint class": POST /orders 100/min. Acme's two key pairs (default, legacy_concat)
  // from one address; the spender repeats one order under one Idempotency-Key (one order).
  perCredentialLimit: { operationId: 'createOrder', spender: 'default', other: 'legacy_concat' },
  negativeFlows: [cancelRefundFlow()],
  consistencyFlows: [reconciliationFlow],
  // D8: a key outside `^[\x20-\x7E]{8,256}$` → 400 IDEMPOTENCY_KEY_INVALID.
  keyBounds: { refusal: { status: 400, code: 'IDEMPOTENCY_KEY_INVALID' }, source: 'D8', inputs: { checkoutCart: IDEMPOTENCY_RECIPES.checkoutCart!.input! } },
  // "X-Request-Id: optional trace id, echoed back; generated by the server if absent."
  requestIdEcho: {
    calls: [{ operationId: 'getWallet' }, { operationId: 'getOrder', input: { path: { order_id: 'ord_accord_no_such_order' } } }],
    source: 'the Headers section: X-Request-Id is echoed back',
  },
  // D15: `{"data": [...]}` with X-Page, X-Per-Page, X-Total-Count, X-Total-Pages, X-Has-More.
  pagination: [
    { operationId: 'listProducts', items: 'data', input: { query: {} } },
    { operationId: 'listOrders', items: 'data', input: { query: {} } },
  ],
  credentials: {
    probe: { operationId: 'getWallet' },
    roles: [
      { role: 'revoked', expect: { status: 401, code: 'E_UNAUTHORIZED_ACCESS' }, source: 'the ApiKey scheme: a key pair is valid until revoked' },
      { role: 'rotated', expect: 'accepted', source: 'the ApiKey scheme: valid until revoked, rotated on request — a previous pair keeps working until it is revoked' },
    ],
  },
};

/**
 * Before every run: the wallets the checks spend (orders, payouts) are topped up to their seeded
 * balances through the sandbox control API (Starship has no API to fund a wallet). Acme (default)
 * pays the flows, fuzz and idempotency orders; Globex (unsigned) the webhook check's orders.
 */
export const RESTORE: readonly FlowStep[] = [
  { name: 'acme wallet', control: { method: 'POST', path: '/wallet/top-up', body: { partner_id: '$credentials.default.extra.owner', to: 12_500 } } },
  { name: 'globex wallet', role: ['unsigned', 'default'], control: { method: 'POST', path: '/wallet/top-up', body: { partner_id: '$credentials.unsigned.extra.owner', to: 5_000 } } },
];

/** Everything above, as the registry (harness/registry.ts) holds it. */
export const STARSHIP: ProviderHarness = { restore: RESTORE, flows: FLOWS, webhooks: WEBHOOKS, idempotency: IDEMPOTENCY_RECIPES, rateLimit: RATE_LIMIT_RECIPES, behaviour: BEHAVIOUR };
