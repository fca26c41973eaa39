/**
 * Who is calling SIR Giving, and what they may do: partner keys (X-Partner-Key; sk_ calls signed
 * with sirgiving-hmac, pk_ calls unsigned), admin bearer tokens on /admin/* (D10), the pk_/sk_
 * scope split (403 SECRET_KEY_REQUIRED), the IP allowlist, partner statuses, and the rate-limit
 * caller (per API key, with the partner's tier).
 *
 * Order of checks (D4 leaves it open; accord's sandbox, most specific first):
 *   partner ops: key present & well-formed → known → not revoked → not expired → partner ACTIVE
 *                (SUSPENDED → PARTNER_SUSPENDED, else PARTNER_NOT_ACTIVE) → IP allowlist →
 *                signature (sk_ only) → key scope → Idempotency-Key format.
 *   admin ops:   bearer present and known (401 ADMIN_UNAUTHORIZED) → admin role (403 ADMIN_FORBIDDEN).
 */
import { ProviderError } from '../../../runtime/server/errors.ts';
import { sha256Hex } from '../../../signing/canonical.ts';
import type { Guard, OperationCall } from '../../../runtime/server/router.ts';
import type { Principal, SandboxContext } from '../../../sandbox/provider.ts';
import type { SignatureVerificationError } from '../../../signing/errors.ts';
import { ipAllowed, isExpired } from './keys.ts';
import { KIND, partnerOf, type AdminTokenRecord, type CallerFacts, type KeyIndexRecord, type KeyPairRecord } from './records.ts';

/** pk_/sk_ + test/live + 64 lowercase hex (D21). */
export const KEY_PATTERN = /^(pk|sk)_(test|live)_[0-9a-f]{64}$/;
const BEARER = /^Bearer\s+(\S+)$/i;

/** Admin tokens are stored by their SHA-256, never in clear. */
export const tokenId = (token: string) => sha256Hex(token);
const isAdminOperation = (call: OperationCall) => call.operation.security.some((alt) => alt.includes('AdminBearer'));

/** The socket's address when served over HTTP; in-process calls (tests) count as localhost. */
export function callerIp(call: OperationCall): string {
  const env = call.c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? '127.0.0.1';
}

function lookupKey(ctx: SandboxContext, key: string): { index: KeyIndexRecord; pair: KeyPairRecord } | undefined {
  const index = ctx.store.get<KeyIndexRecord>(KIND.keyIndex, key);
  const pair = index && ctx.store.get<KeyPairRecord>(KIND.keyPair, index.keyId);
  return index && pair ? { index, pair } : undefined;
}

function authenticateAdmin(call: OperationCall, ctx: SandboxContext): Principal {
  const token = BEARER.exec(call.c.req.header('authorization') ?? '')?.[1];
  if (!token) throw new ProviderError(401, 'ADMIN_UNAUTHORIZED', 'Admin endpoints need an admin bearer token (Authorization: Bearer <token>); partner keys are not accepted here.');
  const id = tokenId(token);
  const holder = ctx.store.get<AdminTokenRecord>(KIND.adminToken, id);
  if (!holder) throw new ProviderError(401, 'ADMIN_UNAUTHORIZED', 'This admin bearer token is unknown or no longer valid.');
  if (holder.role !== 'admin') throw new ProviderError(403, 'ADMIN_FORBIDDEN', 'Admin role required: this token is valid but its holder is not a SIR Giving administrator.');
  return { key: `admin:${id.slice(0, 16)}`, owner: 'admin', signing: null, attributes: { admin: holder.name } };
}

function authenticatePartner(call: OperationCall, ctx: SandboxContext): Principal {
  const key = call.c.req.header('x-partner-key');
  if (!key) throw new ProviderError(401, 'INVALID_API_KEY', 'Send your publishable (pk_) or secret (sk_) key in the X-Partner-Key header.');
  if (!KEY_PATTERN.test(key)) throw new ProviderError(401, 'INVALID_API_KEY', 'X-Partner-Key is not a SIR Giving key: expected pk_test_, sk_test_, pk_live_ or sk_live_ followed by 64 lowercase hex characters.');
  const found = lookupKey(ctx, key);
  if (!found) throw new ProviderError(401, 'INVALID_API_KEY', 'This API key is unknown: check X-Partner-Key (test keys belong to the sandbox, live keys to production).');
  const { index, pair } = found;
  if (pair.status === 'REVOKED') throw new ProviderError(401, 'API_KEY_REVOKED', 'This API key pair was revoked by a SIR Giving administrator; use the pair that replaced it.');
  if (isExpired(ctx, pair)) throw new ProviderError(401, 'API_KEY_EXPIRED', `This API key pair expired at ${pair.expiresAt}; ask a SIR Giving administrator to rotate it.`);
  const partner = partnerOf(ctx, pair.partnerId);
  if (!partner) throw new ProviderError(401, 'INVALID_API_KEY', 'This API key belongs to no partner.');
  if (partner.status === 'SUSPENDED') throw new ProviderError(401, 'PARTNER_SUSPENDED', 'Your partner account is suspended: all calls are refused. Reach out to support.');
  if (partner.status !== 'ACTIVE') throw new ProviderError(401, 'PARTNER_NOT_ACTIVE', `Your partner status is ${partner.status}; only ACTIVE partners can call the API.`);
  if (!ipAllowed(pair.ipAllowlist, callerIp(call))) throw new ProviderError(403, 'IP_NOT_ALLOWED', "This key pair is restricted to its IP allowlist and this request's address is not on it.");
  const facts: CallerFacts = { partnerId: partner.id, environment: pair.environment, scope: index.scope, keyId: pair.keyId };
  return {
    key,
    owner: partner.id,
    tier: partner.tier,
    // sk_ calls are always signed (D5); pk_ calls never are, and any signature they send is ignored.
    signing: index.scope === 'secret' ? { scheme: 'sirgiving-hmac', secret: pair.hmacSecret } : null,
    attributes: facts as unknown as Record<string, unknown>,
  };
}

/** The provider's `authenticate`: admin bearer on /admin/*, partner keys everywhere else. */
export function authenticate(call: OperationCall, ctx: SandboxContext): Principal {
  return isAdminOperation(call) ? authenticateAdmin(call, ctx) : authenticatePartner(call, ctx);
}

/** SignatureVerificationError → SIR Giving's 401s (D4); the engine's message says what to check and holds no secret. */
export function signatureError(error: SignatureVerificationError): ProviderError {
  switch (error.code) {
    case 'missing_header':
      return new ProviderError(401, 'SIGNATURE_REQUIRED', `sk_ keys must sign every call with X-Timestamp and X-Signature (sirgiving-hmac): ${error.message}`);
    case 'timestamp_out_of_window':
      return new ProviderError(401, 'TIMESTAMP_OUT_OF_WINDOW', error.message);
    case 'malformed_header':
    case 'signature_mismatch':
    case 'invalid_input':
      return new ProviderError(401, 'INVALID_SIGNATURE', error.message);
    default:
      return new ProviderError(500, 'INTERNAL_ERROR', 'The signature could not be checked; this is a sandbox fault, not your request.');
  }
}

/** Limits are per API key with the partner's tier (D8); before auth, so 401s are counted and carry the headers too. */
export function rateLimitCaller(call: OperationCall, ctx: SandboxContext): { key: string; tier?: string } | undefined {
  if (isAdminOperation(call)) {
    const token = BEARER.exec(call.c.req.header('authorization') ?? '')?.[1];
    return { key: token ? `admin:${tokenId(token).slice(0, 16)}` : 'admin:anonymous' };
  }
  const key = call.c.req.header('x-partner-key');
  if (!key) return { key: 'anonymous' };
  const found = KEY_PATTERN.test(key) ? lookupKey(ctx, key) : undefined;
  const tier = found && partnerOf(ctx, found.pair.partnerId)?.tier;
  return tier ? { key, tier } : { key };
}

/** "@RequiresSecretKey() … reject pk_ keys with 403 Forbidden" on every x-key-scope: secret operation. */
const secretScopeGuard: Guard = (call) => {
  if (call.operation.keyScope !== 'secret') return undefined;
  const facts = (call.state.principal as Principal | undefined)?.attributes as CallerFacts | undefined;
  if (facts?.scope === 'publishable') {
    throw new ProviderError(403, 'SECRET_KEY_REQUIRED', 'This endpoint requires your secret (sk_) key, signed. Publishable (pk_) keys may only read the partner config, look up nonprofits and create donation links.');
  }
  return undefined;
};

/** The provider's extra guard, after auth and signature: key scope (the router checks the Idempotency-Key format, D9). */
export const guards = (): Guard[] => [secretScopeGuard];
