/**
 * ODM authentication in the documented order (D6): API key, signature headers present,
 * timestamp window, signature (the core verifies it with the principal's public key), then
 * allowed origin (D7), API access status (D8), surface and permission (D9), rate limit (D12).
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { ProviderError } from '../../../runtime/server/errors.ts';
import type { Guard, OperationCall } from '../../../runtime/server/router.ts';
import { principalOf, type Principal, type SandboxContext } from '../../../sandbox/provider.ts';
import { rateLimitGuard } from '../../../sandbox/rate-limit.ts';
import type { SignatureVerificationError } from '../../../signing/errors.ts';
import { KIND, type AccessRecord, type CredentialRecord, type MerchantRecord } from './records.ts';

export const WINDOW_SECONDS = 300;

/** What the auth step established, beyond the core's Principal. */
export interface OdmAttributes {
  surface: 'partner' | 'merchant';
  accessId?: string;
}

const deny = (status: 401 | 403, code: string, message: string) => new ProviderError(status, code, message);

const SIGNATURE_HINT =
  'Check: the canonical string is METHOD, PATH (as sent, no query), the query sorted by key (values as on the wire), the hex SHA-256 of the raw body bytes and X-Timestamp, joined by newlines; X-Signature is standard padded base64 of the 64-byte Ed25519 signature; the private key belongs to this X-API-Key.';

/** X-Timestamp: integer unix seconds within ±300 s of ODM's (real) clock, as the signature engine reads it. */
function checkTimestamp(value: string): void {
  if (!/^(0|[1-9][0-9]{0,14})$/.test(value)) {
    throw deny(401, 'TIMESTAMP_OUT_OF_WINDOW', 'X-Timestamp must be integer unix seconds (e.g. 1767225600), not milliseconds or a date.');
  }
  const skew = Math.floor(Date.now() / 1000) - Number(value);
  if (Math.abs(skew) > WINDOW_SECONDS) {
    const advice = Number(value) > 1e11 ? 'it looks like milliseconds: send unix seconds' : skew > 0 ? 'sign just before sending (re-sign retries) and sync your clock (NTP)' : 'your clock runs ahead: sync it (NTP)';
    throw deny(401, 'TIMESTAMP_OUT_OF_WINDOW', `X-Timestamp is ${Math.abs(skew)} s ${skew > 0 ? 'old' : 'in the future'}, outside the ±${WINDOW_SECONDS} s window: ${advice}.`);
  }
}

/** API key, signature headers, timestamp window; the core then verifies the signature. */
export function authenticate(call: OperationCall, ctx: SandboxContext): Principal {
  const header = (name: string) => call.c.req.header(name)?.trim() || undefined;
  const apiKey = header('x-api-key');
  const credential = apiKey ? ctx.store.get<CredentialRecord>(KIND.credential, apiKey) : undefined;
  if (!apiKey) throw deny(401, 'API_KEY_INVALID', 'Send the API key of your API access record (or merchant API credential) in X-API-Key.');
  if (!credential || credential.revoked) throw deny(401, 'API_KEY_INVALID', 'X-API-Key identifies no active API access record or merchant API credential: check the key (a rotated key stops working at once).');
  const missing = ['X-Timestamp', 'X-Signature'].filter((name) => !header(name));
  if (missing.length) throw deny(401, 'SIGNATURE_REQUIRED', `Every request is signed: send ${missing.join(' and ')} (unix seconds; base64 Ed25519 signature of the canonical string).`);
  checkTimestamp(header('x-timestamp')!);
  const attributes: OdmAttributes = { surface: credential.surface, ...(credential.accessId ? { accessId: credential.accessId } : {}) };
  return { key: credential.id, owner: credential.owner, signing: { scheme: 'odm-ed25519', publicKey: credential.publicKeyPem }, attributes: attributes as unknown as Record<string, unknown> };
}

/** The engine's verdict in ODM's codes (D6); the message says what to check, never a key. */
export function signatureError(error: SignatureVerificationError): ProviderError {
  switch (error.code) {
    case 'missing_header':
      return error.header?.toLowerCase() === 'x-api-key'
        ? deny(401, 'API_KEY_INVALID', 'Send the API key in X-API-Key.')
        : deny(401, 'SIGNATURE_REQUIRED', `Every request is signed: send ${error.header ?? 'X-Timestamp and X-Signature'}.`);
    case 'timestamp_out_of_window':
      return deny(401, 'TIMESTAMP_OUT_OF_WINDOW', `X-Timestamp is ${Math.abs(error.skewSeconds ?? 0)} s from ODM's clock, outside the ±${WINDOW_SECONDS} s window: sign just before sending and sync your clock.`);
    case 'malformed_header':
      return error.header?.toLowerCase() === 'x-timestamp'
        ? deny(401, 'TIMESTAMP_OUT_OF_WINDOW', 'X-Timestamp must be integer unix seconds.')
        : deny(401, 'SIGNATURE_INVALID', 'X-Signature is not standard padded base64 of a 64-byte Ed25519 signature (88 characters).');
    default:
      return deny(401, 'SIGNATURE_INVALID', `X-Signature does not verify with this credential's public key. ${SIGNATURE_HINT}`);
  }
}

const normalizeAddress = (address: string) => address.toLowerCase().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');

/** The caller's IP address; in-process requests (tests) have no socket and count as loopback. */
function sourceAddress(c: Context): string {
  try {
    const address = getConnInfo(c).remote.address;
    if (address) return normalizeAddress(address);
  } catch {
    // no Node socket behind this request
  }
  return '127.0.0.1';
}

/** D7: an approved IP address, or an address an approved FQDN resolves to. */
async function originAllowed(address: string, origins: string[]): Promise<boolean> {
  if (origins.some((o) => isIP(o) !== 0 && normalizeAddress(o) === address)) return true;
  for (const name of origins.filter((o) => isIP(o) === 0)) {
    try {
      if ((await lookup(name, { all: true })).some((a) => normalizeAddress(a.address) === address)) return true;
    } catch {
      // an FQDN that does not resolve approves nothing
    }
  }
  return false;
}

/** D7–D9: allowed origin and API access status (partner credentials), then surface and permission. */
function accessGuard(ctx: SandboxContext): Guard {
  return async (call) => {
    const principal = principalOf(call.state);
    const { surface, accessId } = principal.attributes as unknown as OdmAttributes;
    const merchantSurface = call.operation.path.startsWith('/merchant/');
    if (surface === 'partner') {
      const access = ctx.store.get<AccessRecord>(KIND.access, accessId!)!;
      const address = sourceAddress(call.c);
      if (!(await originAllowed(address, access.allowed_origins))) {
        throw deny(403, 'ORIGIN_NOT_ALLOWED', `Requests from ${address} are not allowed for this API access record: add the address (or an FQDN resolving to it) to the allowed origins in the partner portal.`);
      }
      if (merchantSurface) throw deny(403, 'PERMISSION_DENIED', 'Partner credentials may call /partner/v1 only; merchant redemption needs merchant API credentials.');
      if (access.status === 'disabled' && call.operation.operationId !== 'getApiAccess') {
        throw deny(403, 'API_ACCESS_DISABLED', 'The API access status is disabled in the partner portal; enable it there. GET /partner/v1/access still answers.');
      }
      return undefined;
    }
    if (!merchantSurface) throw deny(403, 'PERMISSION_DENIED', 'Merchant API credentials may call /merchant/v1 only; partner operations need the API access record credentials.');
    const merchant = ctx.store.get<MerchantRecord>(KIND.merchant, principal.owner);
    if (!merchant?.redemptionPermission) throw deny(403, 'PERMISSION_DENIED', 'This merchant lacks the redemption permission (validate vouchers and create claims); a merchant administrator grants it in the merchant portal.');
    return undefined;
  };
}

/**
 * The extra guards, in D6 order. The rate limit is the core's guard placed after the permission
 * checks (D6 counts only authenticated, permitted calls), so the core's own pre-auth instance is
 * left idle (no rateLimitCaller).
 */
export function odmGuards(ctx: SandboxContext): Guard[] {
  const limiter = ctx.contract.rateLimit
    ? rateLimitGuard(ctx.clock, {
        policy: ctx.contract.rateLimit,
        code: 'RATE_LIMITED',
        callerOf: (call) => ({ key: principalOf(call.state).key }),
        ...(ctx.options.rateLimitScale !== undefined ? { scale: ctx.options.rateLimitScale } : {}),
        ...(ctx.options.rateLimitsDisabled ? { disabled: true } : {}),
      })
    : undefined;
  return [accessGuard(ctx), ...(limiter ? [limiter] : [])];
}
