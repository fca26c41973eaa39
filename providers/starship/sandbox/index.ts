/**
 * Starship Rewards' sandbox: key-pair auth with per-credential HMAC (starship-hmac-v1 or the
 * legacy starship-hmac-concat), the catalog, orders served from cache (201 DELIVERED) or the
 * vendor (202 PENDING → PROCESSING → DELIVERED / PARTIALLY_DELIVERED / FAILED), voucher codes
 * only from their own endpoint, the wallet and its transactions, cancellation and refunds, cart
 * checkout, payouts, webhook endpoints signed with starship-webhook, and the planned daily
 * reconciliation computed from the sandbox's own orders with drifts injected by tests.
 */
import { contract } from '../../../generated/starship/contract.ts';
import { createStarshipRouter, type StarshipHandlers } from '../../../generated/starship/server.ts';
import type { ProviderSandbox, SandboxContext } from '../../../sandbox/provider.ts';
import { authenticate, guards, rateLimitCaller, signatureError } from './auth.ts';
import { cartHandlers } from './cart.ts';
import { catalogHandlers } from './catalog.ts';
import { mountStarshipControl } from './control.ts';
import { FAULTS, orderJobs } from './fulfilment.ts';
import { orderHandlers } from './orders.ts';
import { payoutHandlers, payoutJobs } from './payouts.ts';
import { reconciliationHandlers } from './reconciliation.ts';
import { seed } from './seed.ts';
import { walletHandlers } from './wallet.ts';
import { webhookHandlers } from './webhooks.ts';
import { http } from '../http.ts';

function handlers(ctx: SandboxContext): Partial<StarshipHandlers> {
  return {
    ...catalogHandlers(ctx),
    ...orderHandlers(ctx),
    ...cartHandlers(ctx),
    ...payoutHandlers(ctx),
    ...walletHandlers(ctx),
    ...webhookHandlers(ctx),
    ...reconciliationHandlers(ctx),
  };
}

/** The Starship declaration the sandbox core serves (registered in sandbox/registry.ts). */
export const starshipSandbox: ProviderSandbox = {
  router: createStarshipRouter,
  http,
  contract,
  seed,
  authenticate,
  signatureError,
  rateLimitCaller,
  codes: { rateLimited: 'RATE_LIMITED' },
  // Each endpoint signs with its own secret, returned once by POST /webhooks (D24, D25).
  webhookKey: (endpoint) => (endpoint.secret ? { secret: endpoint.secret } : null),
  guards,
  handlers: (ctx) => handlers(ctx) as Record<string, any>,
  jobs: (ctx) => ({ ...orderJobs(ctx), ...payoutJobs(ctx) }),
  faults: FAULTS,
  control: mountStarshipControl,
};
