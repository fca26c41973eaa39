/**
 * Starship auth: the X-API-Key + X-API-Secret pair on every call (401 E_UNAUTHORIZED_ACCESS),
 * then — for HMAC-enabled credentials — the signature with the credential's recipe (the core
 * verifies it with the principal's `signing`), then the guards that need an authenticated
 * caller: the IP allowlist (403 IP_NOT_ALLOWED), the forbidden X-Automation-Request header on
 * production writes (403 FORBIDDEN_ACTION) and the Idempotency-Key format.
 */
import { hash, timingSafeEqual } from 'node:crypto';
import { ProviderError } from '../../../runtime/server/errors.ts';
import type { Guard, OperationCall } from '../../../runtime/server/router.ts';
import type { SignatureVerificationError } from '../../../signing/errors.ts';
import { principalOf, type Principal, type SandboxContext } from '../../../sandbox/provider.ts';
import { KIND, type CredentialRecord } from './model.ts';

const UNAUTHORIZED = 'E_UNAUTHORIZED_ACCESS';
const digest = (s: string) => hash('sha256', s, 'buffer');
/** Compares secrets in constant time (fixed-length digests, so length does not leak either). */
const sameSecret = (a: string, b: string) => timingSafeEqual(digest(a), digest(b));

/** The key pair (401 E_UNAUTHORIZED_ACCESS), then revocation; the principal says how to verify the signature. */
export function authenticate(call: OperationCall, ctx: SandboxContext): Principal {
  const apiKey = call.c.req.header('x-api-key');
  const apiSecret = call.c.req.header('x-api-secret');
  if (!apiKey || !apiSecret) {
    throw new ProviderError(401, UNAUTHORIZED, 'missing API credentials: send both X-API-Key and X-API-Secret on every /api/v1 request.');
  }
  const record = ctx.store.get<CredentialRecord>(KIND.credential, apiKey);
  // Unknown key and wrong secret answer alike, so the answer does not confirm which keys exist.
  if (!record || !sameSecret(record.apiSecret, apiSecret)) {
    throw new ProviderError(401, UNAUTHORIZED, 'invalid API key or secret: check that X-API-Key and X-API-Secret are the pair issued for this environment.');
  }
  if (record.revoked) throw new ProviderError(401, UNAUTHORIZED, 'this API key pair has been revoked: use the current pair from your rotation.');
  const signing =
    record.hmac === 'starship-hmac-v1' ? { scheme: record.hmac, secret: record.signingSecret! } : record.hmac === 'starship-hmac-concat' ? { scheme: record.hmac, secret: record.apiSecret } : null;
  return { key: record.apiKey, owner: record.owner, signing, attributes: { allowlist: record.allowlist } };
}

/** Every signature failure is 401 E_UNAUTHORIZED_ACCESS; the message says what to check. */
export function signatureError(error: SignatureVerificationError): ProviderError {
  const scheme = error.scheme ?? 'the credential\'s signing scheme';
  const layout = error.scheme === 'starship-hmac-concat' ? 'X-Timestamp: <unix seconds> and X-Signature: t=<same seconds>,v1=<hex>' : 'X-Signature: t=<unix seconds>,v1=<hex>';
  switch (error.code) {
    case 'missing_header':
      return new ProviderError(401, UNAUTHORIZED, `missing request signature: this credential has HMAC enabled (${scheme}), so every /api/v1 request must carry ${layout}. Missing: ${error.header ?? 'X-Signature'}.`);
    case 'malformed_header':
      return new ProviderError(401, UNAUTHORIZED, `malformed request signature: ${error.message}`);
    case 'timestamp_out_of_window':
      return new ProviderError(401, UNAUTHORIZED, `request timestamp expired: ${error.message}`);
    case 'signature_mismatch':
      return new ProviderError(401, UNAUTHORIZED, `invalid request signature: ${error.message}`);
    default:
      return new ProviderError(401, UNAUTHORIZED, `invalid request signature (${error.code}): re-sign the request with ${scheme}.`);
  }
}

/** Rate limits are per API key (before auth, so rejected calls count too). */
export const rateLimitCaller = (call: OperationCall) => {
  const key = call.c.req.header('x-api-key');
  return key ? { key } : undefined;
};

/**
 * The caller's address: the socket's when served by @hono/node-server; an in-process call
 * (tests) has no socket and counts as loopback.
 */
function callerAddress(call: OperationCall): string {
  const socket = (call.c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket;
  return (socket?.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Checks that need an authenticated caller, in this order: IP allowlist, X-Automation-Request (the router checks the Idempotency-Key format, D8). */
export function guards(ctx: SandboxContext): Guard[] {
  const ipAllowlist: Guard = (call) => {
    const allowlist = principalOf(call.state).attributes?.allowlist as string[] | null | undefined;
    const address = callerAddress(call);
    if (allowlist && !allowlist.includes(address)) {
      throw new ProviderError(403, 'IP_NOT_ALLOWED', `request origin ${address} is not on this credential's IP allowlist: call from an allowed address or ask Starship to update the allowlist.`);
    }
    return undefined;
  };
  // D10: Starship blocks production writes that carry its internal automation marker.
  const automationHeader: Guard = (call) => {
    if (ctx.options.mode === 'production' && WRITES.has(call.c.req.method) && call.c.req.header('x-automation-request') !== undefined) {
      throw new ProviderError(403, 'FORBIDDEN_ACTION', 'X-Automation-Request is not allowed on production writes: remove the header from your client (Starship uses it internally to mark automated test traffic).');
    }
    return undefined;
  };
  return [ipAllowlist, automationHeader];
}
