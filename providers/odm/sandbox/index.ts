/**
 * ODM's sandbox: partner and merchant credentials signed with Ed25519 (odm-ed25519), the D6 order
 * of auth checks, vouchers issued idempotently, listed, read and cancelled by partners, redeemed
 * by merchants with an OTP (validate → OTP → claim, partial claims), expiry in business time, and
 * voucher.* callbacks signed by ODM's platform key (odm-callback). Everything but the signing
 * scheme and the wire format is accord's decision: specs/odm/DECISIONS.md.
 */
import { contract } from '../../../generated/odm/contract.ts';
import { createOdmRouter, type OdmHandlers } from '../../../generated/odm/server.ts';
import { ProviderError } from '../../../runtime/server/errors.ts';
import type { AnyHandler } from '../../../runtime/server/router.ts';
import type { ProviderSandbox, SandboxContext } from '../../../sandbox/provider.ts';
import { authenticate, odmGuards, signatureError } from './auth.ts';
import { odmControl } from './control.ts';
import { EXPIRE_JOB, expireJob } from './lifecycle.ts';
import { merchantHandlers } from './redemption.ts';
import { platformKey, seed } from './seed.ts';
import { partnerHandlers } from './vouchers.ts';
import { http } from '../http.ts';

const FAULTS = {
  internal_error: 'the next ODM API call fails with 500 INTERNAL_ERROR after validation, changing nothing (a retry with the same Idempotency-Key then runs)',
};

/** Every handler, behind the `internal_error` fault. */
function handlers(ctx: SandboxContext): Record<string, AnyHandler> {
  const all: Partial<OdmHandlers> = { ...partnerHandlers(ctx), ...merchantHandlers(ctx) };
  return Object.fromEntries(
    Object.entries(all).map(([id, handler]) => [
      id,
      ((request, c) => {
        if (ctx.faults.take('internal_error')) throw new ProviderError(500, 'INTERNAL_ERROR', 'ODM failed unexpectedly (forced by the sandbox fault internal_error); retry with the same Idempotency-Key.');
        return (handler as AnyHandler)(request, c);
      }) as AnyHandler,
    ]),
  );
}

/** The ODM reference sandbox (port 4103). */
export const odmSandbox: ProviderSandbox = {
  router: createOdmRouter,
  http,
  contract,
  seed,
  authenticate,
  signatureError,
  codes: { rateLimited: 'RATE_LIMITED' },
  // D22: a 2xx within 10 s acknowledges a callback.
  webhookTimeoutMs: 10_000,
  // ODM signs every callback with its platform key; partners verify with its public key (D22).
  webhookKey: (_endpoint, ctx) => {
    const key = platformKey(ctx);
    return key ? { privateKey: key.privateKeyPem } : null;
  },
  // No rateLimitCaller: the rate limit runs inside odmGuards, after auth and permission (D6 order).
  guards: odmGuards,
  handlers,
  jobs: (ctx) => ({ [EXPIRE_JOB]: expireJob(ctx) }),
  faults: FAULTS,
  control: odmControl,
};
