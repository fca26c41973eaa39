/**
 * Seed data: nonprofits, an ACTIVE partner with a funded test pool, campaigns and a user, a
 * SUSPENDED and a PENDING_APPROVAL partner, admin tokens, and one credential per auth case.
 * Every key, secret and token comes from node:crypto at seed time.
 */
import { randomBytes } from 'node:crypto';
import type { SandboxContext, SandboxCredential } from '../../../sandbox/provider.ts';
import { tokenId } from './auth.ts';
import { book, ensureDataset } from './datasets.ts';
import { issueKeyPair } from './keys.ts';
import { createCampaignRecord } from './management.ts';
import { datasetOf, KIND, objectId, type AdminTokenRecord, type KeyPairRecord, type NonprofitRecord, type PartnerRecord } from './records.ts';
import { createUserRecord } from './users.ts';

const DAY = 24 * 3600 * 1000;
/** Acme Rewards' initial test pool allocation. */
export const SEED_POOL_TOKENS = 100_000;
/** The stakeholderTypeCode values registered for every seeded partner. */
export const STAKEHOLDER_TYPES = ['VOLUNTEER_HOUR', 'DONATION_MATCH', 'RECYCLING_DROP'];

const NONPROFITS: Omit<NonprofitRecord, 'id'>[] = [
  { slug: 'river-cleanup-fund', name: 'River Cleanup Fund', mission: 'Removing plastic from rivers before it reaches the sea.', websiteUrl: 'https://rivercleanup.org', logoUrl: null, verified: true },
  { slug: 'city-food-bank', name: 'City Food Bank', mission: 'Fresh groceries for families in need, every week.', websiteUrl: 'https://cityfoodbank.org', logoUrl: 'https://cityfoodbank.org/logo.png', verified: true },
  { slug: 'open-library-project', name: 'Open Library Project', mission: null, websiteUrl: null, logoUrl: null, verified: false },
];

function partner(ctx: SandboxContext, fields: Pick<PartnerRecord, 'slug' | 'name' | 'status'>): PartnerRecord {
  const record: PartnerRecord = { id: objectId(ctx), tier: 'STANDARD', integrationModel: 'BOTH', stakeholderTypeCodes: STAKEHOLDER_TYPES, updatedAt: ctx.clock.iso(), ...fields };
  ctx.store.put(KIND.partner, record.id, record);
  return record;
}

function adminToken(ctx: SandboxContext, name: string, role: AdminTokenRecord['role']): string {
  const token = `sirg_${role}_${randomBytes(24).toString('hex')}`;
  ctx.store.put<AdminTokenRecord>(KIND.adminToken, tokenId(token), { name, role });
  return token;
}

const signed = (pair: KeyPairRecord, description: string, owner: string): SandboxCredential => ({
  description,
  credentials: { partnerKey: pair.secretKey },
  signing: { scheme: 'sirgiving-hmac', secret: pair.hmacSecret },
  extra: { owner, partnerId: pair.partnerId, keyId: pair.keyId },
});

/** The sandbox's `seed`: data, then credentials by role (`default` first: its owner is the control API's default). */
export function seed(ctx: SandboxContext): Record<string, SandboxCredential> {
  for (const n of NONPROFITS) ctx.store.put<NonprofitRecord>(KIND.nonprofit, n.slug, { id: objectId(ctx), ...n });

  const acme = partner(ctx, { slug: 'acme-rewards', name: 'Acme Rewards', status: 'ACTIVE' });
  const dataset = ensureDataset(ctx, acme.id, 'test', {
    vestingPeriodDays: 30,
    tokenExpirationDays: 365,
    poolExpiresAt: new Date(ctx.clock.now() + 365 * DAY).toISOString(),
    redemptionRules: ['Tokens are redeemable only for donations to verified nonprofits.'],
  });
  book(ctx, dataset, { type: 'ALLOCATION', direction: 'CREDIT', tokens: SEED_POOL_TOKENS, description: 'Initial token pool allocation.' });
  createCampaignRecord(ctx, dataset, {
    name: 'Default',
    isDefault: true,
    splitRules: [
      { stakeholderTypeCode: 'VOLUNTEER_HOUR', allocations: [{ party: 'USER', percent: 100 }] },
      { stakeholderTypeCode: 'DONATION_MATCH', allocations: [{ party: 'USER', percent: 50 }, { party: 'NONPROFIT', percent: 50, nonprofitSlug: 'river-cleanup-fund' }] },
    ],
  });
  createUserRecord(ctx, dataset, { externalId: 'user-1001', email: 'dana.rivera@example.org', displayName: 'Dana Rivera', metadata: { team: 'north' } });

  const main = issueKeyPair(ctx, acme.id, { environment: 'test', scopes: ['actions', 'users', 'webhooks', 'campaigns', 'transactions'] });
  const revoked = issueKeyPair(ctx, acme.id, { environment: 'test' });
  ctx.store.put(KIND.keyPair, revoked.keyId, { ...revoked, status: 'REVOKED', revokedAt: ctx.clock.iso() }, { owner: acme.id });
  const expired = issueKeyPair(ctx, acme.id, { environment: 'test', expiresAt: new Date(ctx.clock.now() - DAY).toISOString() });
  const restricted = issueKeyPair(ctx, acme.id, { environment: 'test', ipAllowlist: ['203.0.113.0/24'] });

  const bright = partner(ctx, { slug: 'bright-futures', name: 'Bright Futures Co-op', status: 'SUSPENDED' });
  const brightPair = issueKeyPair(ctx, bright.id, { environment: 'test' });
  const civic = partner(ctx, { slug: 'civic-hours', name: 'Civic Hours', status: 'PENDING_APPROVAL' });
  const civicPair = issueKeyPair(ctx, civic.id, { environment: 'test' });

  const owner = acme.id;
  return {
    default: { ...signed(main, 'Acme Rewards (ACTIVE, STANDARD): secret key with its HMAC signing secret; a funded test pool.', owner), extra: { owner, partnerId: acme.id, keyId: main.keyId, publishableKey: main.publishableKey, dataset: datasetOf(acme.id, 'test') } },
    publishable: { description: "Acme Rewards' publishable key: unsigned, publishable scope only (403 SECRET_KEY_REQUIRED elsewhere).", credentials: { partnerKey: main.publishableKey }, extra: { owner, partnerId: acme.id, keyId: main.keyId } },
    unsigned: { description: "Acme Rewards' secret key without its signing secret (401 SIGNATURE_REQUIRED).", credentials: { partnerKey: main.secretKey }, extra: { owner, partnerId: acme.id, keyId: main.keyId } },
    revoked: signed(revoked, 'A revoked Acme Rewards pair (401 API_KEY_REVOKED).', owner),
    expired: signed(expired, 'An Acme Rewards pair past its expiresAt (401 API_KEY_EXPIRED).', owner),
    ipRestricted: signed(restricted, 'An Acme Rewards pair allowed only from 203.0.113.0/24 (403 IP_NOT_ALLOWED from anywhere else).', owner),
    suspended: signed(brightPair, 'Bright Futures Co-op, a SUSPENDED partner (401 PARTNER_SUSPENDED).', bright.id),
    pending: signed(civicPair, 'Civic Hours, a PENDING_APPROVAL partner (401 PARTNER_NOT_ACTIVE).', civic.id),
    admin: { description: 'A SIR Giving administrator bearer token for /admin/*.', credentials: { adminBearer: adminToken(ctx, 'sandbox-admin', 'admin') }, extra: { owner, partnerId: acme.id, suspendedPartnerId: bright.id, pendingPartnerId: civic.id } },
    support: { description: 'A valid staff bearer token without the admin role (403 ADMIN_FORBIDDEN).', credentials: { adminBearer: adminToken(ctx, 'sandbox-support', 'support') }, extra: { owner } },
  };
}
