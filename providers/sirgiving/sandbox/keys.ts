/**
 * API key pairs (D12): issue (generate or rotate), revoke, show without secrets, the IP
 * allowlist, the api_key.expiring warning and which secret signs a partner's webhooks.
 */
import { randomBytes } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import { ProviderError } from '../../../runtime/server/errors.ts';
import type { SandboxContext } from '../../../sandbox/provider.ts';
import { emitEvent } from './events.ts';
import { ensureDataset } from './datasets.ts';
import { invalid, KIND, objectId, type Environment, type KeyIndexRecord, type KeyPairRecord, type Schemas } from './records.ts';

/** api_key.expiring fires this long before expiresAt (undocumented, D12; the spec's example is 14 days). */
export const EXPIRY_WARNING_MS = 14 * 24 * 3600 * 1000;
/** Job name of the api_key.expiring warning. */
export const EXPIRING_JOB = 'apiKey.expiring';

const hex64 = () => randomBytes(32).toString('hex');

/** What a new pair carries (generate request, or copied from the rotated pair). */
export interface IssueOptions {
  environment: Environment;
  scopes?: string[];
  ipAllowlist?: string[];
  expiresAt?: string | null;
  rotatedFromKeyId?: string | null;
}

/** Creates a pair (keys and secret from node:crypto), indexes both keys, schedules its expiry warning. */
export function issueKeyPair(ctx: SandboxContext, partnerId: string, options: IssueOptions): KeyPairRecord {
  const ipAllowlist = options.ipAllowlist ?? [];
  for (const entry of ipAllowlist) if (!parseAllowEntry(entry)) throw invalid(`ipAllowlist entry "${entry}" is not an IPv4/IPv6 address or CIDR range`);
  const expiresAt = options.expiresAt ? new Date(options.expiresAt).toISOString() : null;
  const pair: KeyPairRecord = {
    keyId: objectId(ctx),
    partnerId,
    environment: options.environment,
    publishableKey: `pk_${options.environment}_${hex64()}`,
    secretKey: `sk_${options.environment}_${hex64()}`,
    hmacSecret: hex64(),
    status: 'ACTIVE',
    scopes: options.scopes ?? [],
    ipAllowlist,
    createdAt: ctx.clock.iso(),
    expiresAt,
    revokedAt: null,
    rotatedFromKeyId: options.rotatedFromKeyId ?? null,
  };
  ctx.store.put(KIND.keyPair, pair.keyId, pair, { owner: partnerId });
  ctx.store.put<KeyIndexRecord>(KIND.keyIndex, pair.publishableKey, { keyId: pair.keyId, scope: 'publishable' });
  ctx.store.put<KeyIndexRecord>(KIND.keyIndex, pair.secretKey, { keyId: pair.keyId, scope: 'secret' });
  ensureDataset(ctx, partnerId, options.environment);
  if (expiresAt) {
    const warnAt = Date.parse(expiresAt) - EXPIRY_WARNING_MS;
    if (Date.parse(expiresAt) > ctx.clock.now()) ctx.jobs.schedule(EXPIRING_JOB, { keyId: pair.keyId, expiresAt }, Math.max(0, warnAt - ctx.clock.now()));
  }
  return pair;
}

/** Past its expiresAt on the business clock. */
export const isExpired = (ctx: SandboxContext, pair: KeyPairRecord) => pair.expiresAt !== null && Date.parse(pair.expiresAt) <= ctx.clock.now();

/** The pair as admins see it after issue: no secret key, no HMAC secret (D12). */
export function presentPair(ctx: SandboxContext, pair: KeyPairRecord): Schemas['ApiKeyPair'] {
  return {
    keyId: pair.keyId,
    partnerId: pair.partnerId,
    environment: pair.environment,
    publishableKey: pair.publishableKey,
    secretKeyLast4: pair.secretKey.slice(-4),
    status: pair.status === 'REVOKED' ? 'REVOKED' : isExpired(ctx, pair) ? 'EXPIRED' : 'ACTIVE',
    scopes: pair.scopes,
    ipAllowlist: pair.ipAllowlist,
    createdAt: pair.createdAt,
    expiresAt: pair.expiresAt,
    revokedAt: pair.revokedAt,
  };
}

/** The pair with its secrets: only in the generate and rotate responses. */
export function presentIssued(pair: KeyPairRecord): Schemas['IssuedApiKeyPair'] {
  return {
    keyId: pair.keyId,
    partnerId: pair.partnerId,
    environment: pair.environment,
    publishableKey: pair.publishableKey,
    secretKey: pair.secretKey,
    hmacSecret: pair.hmacSecret,
    status: 'ACTIVE',
    scopes: pair.scopes,
    ipAllowlist: pair.ipAllowlist,
    createdAt: pair.createdAt,
    expiresAt: pair.expiresAt,
    rotatedFromKeyId: pair.rotatedFromKeyId,
  };
}

/** The partner's pair named in an admin path: 404 API_KEY_NOT_FOUND, 409 API_KEY_ALREADY_REVOKED. */
export function requireLivePair(ctx: SandboxContext, partnerId: string, keyId: string): KeyPairRecord {
  const pair = ctx.store.get<KeyPairRecord>(KIND.keyPair, keyId);
  if (!pair || pair.partnerId !== partnerId) throw new ProviderError(404, 'API_KEY_NOT_FOUND', `API key ${keyId} not found for this partner.`);
  if (pair.status === 'REVOKED') throw new ProviderError(409, 'API_KEY_ALREADY_REVOKED', `API key ${keyId} is already revoked.`);
  return pair;
}

/** "Deactivates immediately": both keys of the pair get 401 API_KEY_REVOKED from now on. */
export function revokePair(ctx: SandboxContext, pair: KeyPairRecord): KeyPairRecord {
  const revoked: KeyPairRecord = { ...pair, status: 'REVOKED', revokedAt: ctx.clock.iso() };
  ctx.store.put(KIND.keyPair, pair.keyId, revoked, { owner: pair.partnerId });
  return revoked;
}

/**
 * "A brand-new pair with the same scopes; the old pair stays active until you explicitly revoke
 * it." The new pair keeps the IP allowlist and, when the old one had an expiry, the same lifetime
 * (the new expiresAt is undocumented, D12).
 */
export function rotatePair(ctx: SandboxContext, old: KeyPairRecord): KeyPairRecord {
  const lifetime = old.expiresAt ? Date.parse(old.expiresAt) - Date.parse(old.createdAt) : null;
  return issueKeyPair(ctx, old.partnerId, {
    environment: old.environment,
    scopes: old.scopes,
    ipAllowlist: old.ipAllowlist,
    expiresAt: lifetime !== null ? new Date(ctx.clock.now() + lifetime).toISOString() : null,
    rotatedFromKeyId: old.keyId,
  });
}

/** Job: warn the partner before a pair expires, unless it was revoked meanwhile. */
export function warnExpiring(ctx: SandboxContext, { keyId, expiresAt }: { keyId: string; expiresAt: string }): void {
  ctx.store.transaction(() => {
    const pair = ctx.store.get<KeyPairRecord>(KIND.keyPair, keyId);
    if (!pair || pair.status !== 'ACTIVE' || pair.expiresAt !== expiresAt || isExpired(ctx, pair)) return;
    emitEvent(ctx, pair.partnerId, 'api_key.expiring', { keyId, expiresAt, environment: pair.environment });
  });
}

/**
 * The secret that signs a partner's webhooks (D13: "the partner's HMAC signing secret"): its newest
 * active test pair (this is the sandbox dataset), else its newest active pair, else unsigned.
 */
export function webhookSecretOf(ctx: SandboxContext, partnerId: string): string | null {
  const active = ctx.store
    .list<KeyPairRecord>(KIND.keyPair, partnerId)
    .filter((p) => p.status === 'ACTIVE' && !isExpired(ctx, p))
    .reverse();
  return (active.find((p) => p.environment === 'test') ?? active[0])?.hmacSecret ?? null;
}

function parseAllowEntry(entry: string): { address: string; prefix: number | null; family: 'ipv4' | 'ipv6' } | null {
  const [address = '', bits, ...rest] = entry.split('/');
  if (rest.length) return null;
  const version = isIP(address);
  if (!version) return null;
  const family = version === 4 ? 'ipv4' : 'ipv6';
  if (bits === undefined) return { address, prefix: null, family };
  const prefix = /^\d{1,3}$/.test(bits) ? Number(bits) : NaN;
  if (!(prefix >= 0 && prefix <= (version === 4 ? 32 : 128))) return null;
  return { address, prefix, family };
}

/** Whether `ip` is inside the allowlist ("Restricts where keys are valid"); an empty list allows all. */
export function ipAllowed(allowlist: string[], ip: string): boolean {
  if (!allowlist.length) return true;
  const list = new BlockList();
  for (const entry of allowlist) {
    const parsed = parseAllowEntry(entry);
    if (!parsed) continue;
    if (parsed.prefix === null) list.addAddress(parsed.address, parsed.family);
    else list.addSubnet(parsed.address, parsed.prefix, parsed.family);
  }
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1];
  const address = mapped ?? ip;
  const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
  return isIP(address) !== 0 && list.check(address, family);
}
