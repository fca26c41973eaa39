/**
 * SIR Giving's sandbox: partner keys with the pk_/sk_ split (sk_ calls signed with
 * sirgiving-hmac), partner statuses, admin key generate/rotate/revoke and status/tier changes,
 * tiered rate limits with X-RateLimit-* headers, reward actions drawing on the token pool and
 * their reversal (optional Idempotency-Key), the ledger, users, campaigns, nonprofits, donation
 * links, and partner.status_changed / api_key.expiring webhooks signed with the partner's HMAC
 * secret. The files of this folder split it by concern; this one only wires them.
 */
import { randomBytes } from 'node:crypto';
import { contract } from '../../../generated/sirgiving/contract.ts';
import { createSirGivingRouter, type SirGivingHandlers } from '../../../generated/sirgiving/server.ts';
import type { ProviderSandbox, SandboxContext } from '../../../sandbox/provider.ts';
import { actionHandlers } from './actions.ts';
import { adminHandlers } from './admin.ts';
import { authenticate, guards, rateLimitCaller, signatureError } from './auth.ts';
import { mountSirGivingControl } from './control.ts';
import { EXPIRING_JOB, warnExpiring, webhookSecretOf } from './keys.ts';
import { ledgerHandlers } from './ledger.ts';
import { managementHandlers } from './management.ts';
import { publicHandlers } from './public.ts';
import { seed } from './seed.ts';
import { userHandlers } from './users.ts';
import { http } from '../http.ts';

function handlers(ctx: SandboxContext): Partial<SirGivingHandlers> {
  return {
    ...publicHandlers(ctx),
    ...actionHandlers(ctx),
    ...ledgerHandlers(ctx),
    ...userHandlers(ctx),
    ...managementHandlers(ctx),
    ...adminHandlers(ctx),
  };
}

/** The SIR Giving Partner API sandbox (port 4102, base path /api/v1). */
export const sirgivingSandbox: ProviderSandbox = {
  router: createSirGivingRouter,
  http,
  contract,
  seed,
  authenticate,
  signatureError,
  rateLimitCaller,
  codes: { rateLimited: 'RATE_LIMIT_EXCEEDED' },
  // X-SIR-Delivery is an ObjectId like every SIR Giving id (D13, D21).
  deliveryId: () => Math.floor(Date.now() / 1000).toString(16).padStart(8, '0') + randomBytes(8).toString('hex'),
  webhookKey: (endpoint, ctx) => {
    const secret = webhookSecretOf(ctx, endpoint.owner);
    return secret ? { secret } : null;
  },
  guards,
  handlers: (ctx) => handlers(ctx) as Record<string, any>,
  jobs: (ctx) => ({ [EXPIRING_JOB]: (payload: { keyId: string; expiresAt: string }) => warnExpiring(ctx, payload) }),
  faults: { action_internal_error: 'the next POST /actions answers 500 INTERNAL_ERROR before drawing any tokens (not remembered under its Idempotency-Key)' },
  control: mountSirGivingControl,
};
