/** What the harness needs to know about iStar beyond its spec (data only, read by the checks through harness/registry.ts). */
import type { BehaviourDeclaration, FlowDeclaration, FlowScope, FlowStep, ProviderHarness, WebhookDeclaration } from '../declarations.ts';
import { verifyIStarWebhook } from '../../generated/istar/webhooks.ts';

const balance = (s: FlowScope, step: string) => (s.steps[step]!.body as { balance: number }).balance;
const amount = (s: FlowScope) => (s.steps.order!.body as { amount: number }).amount;

/**
 * flows: a star gift — the recipient is searched, the order sends its `recipient` hash back (D4),
 * is queued (200 pending, D10) and paid from the TON wallet at once (D5).
 */
const starOrderFlow: FlowDeclaration = {
  name: 'star order',
  summary: 'recipient search → star order; the order names the searched recipient and the wallet pays it',
  steps: [
    { name: 'walletBefore', operation: 'getWalletBalance', expect: { status: 200 } },
    {
      name: 'search',
      operation: 'searchStarRecipient',
      query: { username: 'johndoe', quantity: 100 },
      expect: { status: 200, that: [{ pointer: '/success', equals: true }, { pointer: '/recipient', exists: true }] },
    },
    {
      name: 'order',
      operation: 'createStarOrder',
      body: { username: '$steps.search.request.query.username', recipient_hash: '$steps.search.body#/recipient', quantity: 100, wallet_type: 'TON' },
      expect: { status: 200, that: [{ pointer: '/order_id', exists: true }, { pointer: '/status', equals: 'pending' }, { pointer: '/username', equals: 'johndoe' }, { pointer: '/quantity', equals: 100 }] },
    },
    { name: 'walletAfter', operation: 'getWalletBalance', expect: { status: 200, that: [{ pointer: '/balance', equals: (s: FlowScope) => balance(s, 'walletBefore') - amount(s) }] } },
  ],
};

export const FLOWS: readonly FlowDeclaration[] = [starOrderFlow];

/** webhooks trigger: the sandbox fault `order_fail` makes the next processed order fail (order.failed, refunded). */
const failedOrderFlow: FlowDeclaration = {
  name: 'failed star order',
  summary: 'arm the sandbox fault order_fail, then order: one order fails',
  control: 'only the sandbox can be told to fail an order (fault order_fail)',
  steps: [
    { name: 'fault', control: { method: 'POST', path: '/faults', body: { name: 'order_fail', count: 1 } } },
    { name: 'search', operation: 'searchStarRecipient', query: { username: 'johndoe', quantity: 100 } },
    { name: 'order', operation: 'createStarOrder', body: { username: 'johndoe', recipient_hash: '$steps.search.body#/recipient', quantity: 100, wallet_type: 'TON' }, expect: { status: 200 } },
  ],
};

/**
 * webhooks: endpoints are configured in the iStar Developer Dashboard (no API), with an optional
 * secret (D20): the control API registers the receiver with a generated secret, so every delivery
 * must carry a valid X-iStar-Signature. Deliveries have no event id in the payload; a retry keeps
 * X-iStar-Delivery (D19).
 */
export const WEBHOOKS: WebhookDeclaration = {
  control: { owner: '$credentials.default.extra.owner', secret: true, why: 'endpoints are configured in the iStar Developer Dashboard' },
  key: { secret: '$vars.secret' },
  eventId: { header: 'X-iStar-Delivery' },
  verify: verifyIStarWebhook,
  triggers: [
    { flow: starOrderFlow, events: ['order.completed'] },
    { flow: failedOrderFlow, events: ['order.failed'] },
  ],
};

/** The behaviour checks' declarations (harness/declarations.ts), read through harness/registry.ts. */
export const BEHAVIOUR: BehaviourDeclaration = {
  credentials: {
    probe: { operationId: 'getWalletBalance' },
    roles: [
      { role: 'expired', expect: { status: 401, code: 'API_KEY_EXPIRED' }, source: 'istar.txt: keys have a configurable expiry; code D3' },
      { role: 'revoked', expect: { status: 401, code: 'API_KEY_REVOKED' }, source: 'istar.txt: keys can be revoked at any time; code D3' },
    ],
  },
};

/** Before every run: the TON wallet the orders spend is topped up to its seeded balance through the sandbox control API (iStar funds wallets in its dashboard, not the API). */
export const RESTORE: readonly FlowStep[] = [{ name: 'ton wallet', control: { method: 'POST', path: '/wallet/top-up', body: { owner: '$credentials.default.extra.owner', to: 1250.75 } } }];

/** Everything above, as the registry (harness/registry.ts) holds it. */
export const ISTAR: ProviderHarness = { restore: RESTORE, flows: FLOWS, webhooks: WEBHOOKS, behaviour: BEHAVIOUR };
