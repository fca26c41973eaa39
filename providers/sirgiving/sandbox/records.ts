/**
 * What the SIR Giving sandbox keeps in the store, and small helpers over it. Partner data lives in
 * a dataset per (partner, environment): "the key prefix tells us which dataset to operate
 * against" (D1), so pk_test_/sk_test_ keys and pk_live_/sk_live_ keys never see each other's
 * pool, users or actions.
 */
import { randomBytes } from 'node:crypto';
import type { components } from '../../../generated/sirgiving/types.ts';
import { ProviderError } from '../../../runtime/server/errors.ts';
import { principalOf, type SandboxContext } from '../../../sandbox/provider.ts';

/** The spec's component schemas. */
export type Schemas = components['schemas'];
/** test or live: the dataset a key operates on. */
export type Environment = Schemas['KeyEnvironment'];
/** PENDING_APPROVAL, ACTIVE, SUSPENDED, DEACTIVATED (D7). */
export type PartnerStatus = Schemas['PartnerStatus'];
/** STANDARD, PROFESSIONAL, ENTERPRISE (D8). */
export type PartnerTier = Schemas['PartnerTier'];

/** Store kinds (one place, so a typo cannot split a collection). */
export const KIND = {
  partner: 'partner',
  keyPair: 'key_pair',
  /** Key string → its pair: how a request's X-Partner-Key is looked up. */
  keyIndex: 'key_index',
  adminToken: 'admin_token',
  pool: 'token_pool',
  transaction: 'transaction',
  action: 'action',
  user: 'user',
  campaign: 'campaign',
  nonprofit: 'nonprofit',
  donationLink: 'donation_link',
} as const;

/** A partner: what admins see (Partner) plus its public config. */
export interface PartnerRecord {
  id: string;
  slug: string;
  name: string;
  status: PartnerStatus;
  tier: PartnerTier;
  integrationModel: Schemas['PartnerConfig']['integrationModel'];
  stakeholderTypeCodes: string[];
  updatedAt: string;
}

/** A key pair with its secrets (needed to verify signatures); shown without them after issue. */
export interface KeyPairRecord {
  keyId: string;
  partnerId: string;
  environment: Environment;
  publishableKey: string;
  secretKey: string;
  hmacSecret: string;
  /** EXPIRED is derived from expiresAt when the pair is shown, never stored. */
  status: 'ACTIVE' | 'REVOKED';
  scopes: string[];
  ipAllowlist: string[];
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  rotatedFromKeyId: string | null;
}

/** Which pair a key string belongs to, and whether it is the publishable or the secret key. */
export interface KeyIndexRecord {
  keyId: string;
  scope: 'publishable' | 'secret';
}

/** Holder of an admin bearer token. */
export interface AdminTokenRecord {
  name: string;
  /** Only `admin` may call /admin/*; `support` holds a valid token without the role (403). */
  role: 'admin' | 'support';
}

/** A dataset's token pool counters; `available` is derived. */
export interface PoolRecord {
  allocated: number;
  drawn: number;
  expired: number;
  restrictions: Schemas['TokenPool']['restrictions'];
  updatedAt: string;
}

/** Dataset records are stored exactly as the API returns them. */
export type ActionRecord = Schemas['Action'];
export type TransactionRecord = Schemas['Transaction'];
export type UserRecord = Schemas['User'];
export type CampaignRecord = Schemas['Campaign'];
export type NonprofitRecord = Schemas['Nonprofit'];
export type DonationLinkRecord = Schemas['DonationLink'];

/** Facts the auth guard puts on the principal for handlers. */
export interface CallerFacts {
  partnerId: string;
  environment: Environment;
  scope: 'publishable' | 'secret';
  keyId: string;
}

let counter = randomBytes(3).readUIntBE(0, 3);

/** A Mongo-style ObjectId (D21): 4-byte business-time seconds, 5 random bytes, 3-byte counter. */
export function objectId(ctx: SandboxContext): string {
  counter = (counter + 1) % 0x1000000;
  const time = Math.floor(ctx.clock.now() / 1000) >>> 0;
  return time.toString(16).padStart(8, '0') + randomBytes(5).toString('hex') + counter.toString(16).padStart(6, '0');
}

/** The dataset of a partner in one environment (owner of pool, ledger, users, actions, campaigns). */
export const datasetOf = (partnerId: string, environment: Environment) => `${partnerId}:${environment}`;

/**
 * Store id of a dataset-owned record: lookups by id are scoped to the caller's dataset by
 * construction (another partner's, or the other environment's, action id simply is not found).
 */
export const scoped = (dataset: string, id: string) => `${dataset}/${id}`;

/** The calling partner and its dataset, from the auth guard's principal. */
export function callerOf(state: Record<string, unknown>): CallerFacts & { dataset: string } {
  const facts = principalOf(state).attributes as unknown as CallerFacts;
  return { ...facts, dataset: datasetOf(facts.partnerId, facts.environment) };
}

/** The partner record, if any. */
export function partnerOf(ctx: SandboxContext, partnerId: string): PartnerRecord | undefined {
  return ctx.store.get<PartnerRecord>(KIND.partner, partnerId);
}

/** Admin paths name the partner: unknown → 404 PARTNER_NOT_FOUND. */
export function requirePartner(ctx: SandboxContext, partnerId: string): PartnerRecord {
  const partner = partnerOf(ctx, partnerId);
  if (!partner) throw new ProviderError(404, 'PARTNER_NOT_FOUND', `Partner ${partnerId} not found.`);
  return partner;
}

/** The dataset's default campaign id, or null. */
export function defaultCampaignId(ctx: SandboxContext, dataset: string): string | null {
  return ctx.store.list<CampaignRecord>(KIND.campaign, dataset).find((c) => c.isDefault)?.id ?? null;
}

/** One page of a list (D19): `{ data, pagination }` with totalPages 0 when empty. */
export function paginate<T>(items: T[], page = 1, limit = 20): { data: T[]; pagination: Schemas['PaginationMeta'] } {
  const start = (page - 1) * limit;
  return {
    data: items.slice(start, start + limit),
    pagination: { page, limit, total: items.length, totalPages: Math.ceil(items.length / limit) },
  };
}

/** A 400 VALIDATION_ERROR for a rule JSON Schema cannot state (sums, orderings, currencies). */
export const invalid = (message: string) => new ProviderError(400, 'VALIDATION_ERROR', message);
