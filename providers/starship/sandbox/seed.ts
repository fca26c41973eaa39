/**
 * Seed data: a realistic USD catalog (some products stocked in the cache, some only at the
 * vendor, one unavailable), two partners with funded wallets and registered payout destinations,
 * and one test credential per auth situation the docs describe. Secrets come from node:crypto.
 */
import { randomBytes } from 'node:crypto';
import type { SandboxContext, SandboxCredential } from '../../../sandbox/provider.ts';
import { KIND, randomChars, toCents, type CredentialRecord, type PartnerRecord, type ProductRecord, type WalletRecord } from './model.ts';

/** The seeded partners (credential `extra.owner`). */
export const PARTNER_A = 'partner_acme';
export const PARTNER_B = 'partner_globex';
/** An address no local caller has: the ip_restricted credential is always outside its allowlist. */
export const FOREIGN_ADDRESS = '203.0.113.7';

const CATEGORIES = [
  { category_id: 1, name: 'Shopping' },
  { category_id: 2, name: 'Food & Drink' },
  { category_id: 3, name: 'Gaming & Apps' },
  { category_id: 4, name: 'Entertainment' },
  { category_id: 5, name: 'Travel' },
];

type Seeded = Omit<ProductRecord, 'faceCents' | 'priceCents' | 'currency' | 'validityDays' | 'hasPin'> & { face: number; price: number; hasPin?: boolean };

const PRODUCTS: Seeded[] = [
  { product_id: 'amazon-gift-500', name: 'Amazon Gift Card 500 USD', category_id: 1, brand: 'Amazon', face: 500, price: 500, available: true, cacheStock: 25, vendor: 'voucherkart', codePrefix: 'AMZN' },
  { product_id: 'amazon-gift-100', name: 'Amazon Gift Card 100 USD', category_id: 1, brand: 'Amazon', face: 100, price: 100, available: false, cacheStock: 0, vendor: 'voucherkart', codePrefix: 'AMZN' },
  { product_id: 'amazon-gift-50', name: 'Amazon Gift Card 50 USD', category_id: 1, brand: 'Amazon', face: 50, price: 50, available: true, cacheStock: 60, vendor: 'voucherkart', codePrefix: 'AMZN' },
  { product_id: 'target-gift-50', name: 'Target GiftCard 50 USD', category_id: 1, brand: 'Target', face: 50, price: 48.5, available: true, cacheStock: 0, vendor: 'giftbridge', codePrefix: 'TGT' },
  { product_id: 'starbucks-card-25', name: 'Starbucks Card 25 USD', category_id: 2, brand: 'Starbucks', face: 25, price: 24.25, available: true, cacheStock: 40, vendor: 'giftbridge', codePrefix: 'SBUX' },
  { product_id: 'uber-eats-gift-50', name: 'Uber Eats Gift Card 50 USD', category_id: 2, brand: 'Uber Eats', face: 50, price: 48.75, available: true, cacheStock: 0, vendor: 'voucherkart', codePrefix: 'UBEA' },
  { product_id: 'doordash-gift-25', name: 'DoorDash Gift Card 25 USD', category_id: 2, brand: 'DoorDash', face: 25, price: 24.5, available: true, cacheStock: 10, vendor: 'giftbridge', codePrefix: 'DASH' },
  { product_id: 'google-play-100', name: 'Google Play Gift Code 100 USD', category_id: 3, brand: 'Google Play', face: 100, price: 100, available: true, cacheStock: 0, vendor: 'voucherkart', codePrefix: 'GPLY' },
  { product_id: 'google-play-25', name: 'Google Play Gift Code 25 USD', category_id: 3, brand: 'Google Play', face: 25, price: 25, available: true, cacheStock: 30, vendor: 'voucherkart', codePrefix: 'GPLY' },
  { product_id: 'steam-wallet-50', name: 'Steam Wallet Code 50 USD', category_id: 3, brand: 'Steam', face: 50, price: 49, available: true, cacheStock: 0, vendor: 'cardlink', codePrefix: 'STM', hasPin: true },
  { product_id: 'xbox-gift-25', name: 'Xbox Gift Card 25 USD', category_id: 3, brand: 'Xbox', face: 25, price: 24.5, available: true, cacheStock: 15, vendor: 'cardlink', codePrefix: 'XBOX' },
  { product_id: 'playstation-store-50', name: 'PlayStation Store 50 USD', category_id: 3, brand: 'PlayStation', face: 50, price: 49.5, available: true, cacheStock: 0, vendor: 'cardlink', codePrefix: 'PSN', hasPin: true },
  { product_id: 'netflix-gift-30', name: 'Netflix Gift Card 30 USD', category_id: 4, brand: 'Netflix', face: 30, price: 29.1, available: true, cacheStock: 20, vendor: 'giftbridge', codePrefix: 'NFLX', hasPin: true },
  { product_id: 'spotify-premium-30', name: 'Spotify Premium 30 USD', category_id: 4, brand: 'Spotify', face: 30, price: 29.4, available: true, cacheStock: 0, vendor: 'giftbridge', codePrefix: 'SPTF' },
  { product_id: 'airbnb-gift-100', name: 'Airbnb Gift Card 100 USD', category_id: 5, brand: 'Airbnb', face: 100, price: 97, available: true, cacheStock: 5, vendor: 'voucherkart', codePrefix: 'ABNB' },
  { product_id: 'uber-rides-gift-25', name: 'Uber Rides Gift Card 25 USD', category_id: 5, brand: 'Uber', face: 25, price: 24.5, available: true, cacheStock: 0, vendor: 'voucherkart', codePrefix: 'UBER' },
];

const PARTNERS: Array<PartnerRecord & { balance: number }> = [
  {
    partner_id: PARTNER_A,
    name: 'Acme Gift Platform',
    currency: 'USD',
    balance: 12_500,
    destinations: [
      { type: 'bank_account', account_reference: 'acme-settlement-usd' },
      { type: 'wallet', account_reference: 'acme-treasury-wallet' },
    ],
  },
  { partner_id: PARTNER_B, name: 'Globex Rewards', currency: 'USD', balance: 5_000, destinations: [{ type: 'bank_account', account_reference: 'globex-operating-usd' }] },
];

const key = () => `pk_test_${randomChars(26)}`;
const secret = () => `sk_test_${randomBytes(24).toString('base64url')}`;
const signingSecret = () => `ssk_test_${randomBytes(32).toString('base64url')}`;

/** Writes the seed data; returns the credentials by role (written to the credentials file). */
export function seed(ctx: SandboxContext): Record<string, SandboxCredential> {
  const { store } = ctx;
  const now = ctx.clock.iso();
  for (const c of CATEGORIES) store.put(KIND.category, String(c.category_id), c);
  for (const { face, price, hasPin, ...p } of PRODUCTS) {
    store.put<ProductRecord>(KIND.product, p.product_id, { ...p, faceCents: toCents(face), priceCents: toCents(price), currency: 'USD', hasPin: hasPin ?? false, validityDays: 365 });
  }
  for (const { balance, ...partner } of PARTNERS) {
    store.put<PartnerRecord>(KIND.partner, partner.partner_id, partner, { owner: partner.partner_id });
    store.put<WalletRecord>(KIND.wallet, partner.partner_id, { owner: partner.partner_id, balanceCents: toCents(balance), currency: partner.currency, updated_at: now }, { owner: partner.partner_id });
  }

  const roles: Record<string, { description: string; record: Omit<CredentialRecord, 'apiKey' | 'apiSecret'> }> = {
    default: {
      description: 'Acme, HMAC enabled with starship-hmac-v1: sign every request with the signing secret.',
      record: { owner: PARTNER_A, hmac: 'starship-hmac-v1', signingSecret: signingSecret(), revoked: false, allowlist: null },
    },
    legacy_concat: {
      description: 'Acme, HMAC enabled with the legacy starship-hmac-concat recipe: the API secret signs, X-Timestamp is sent.',
      record: { owner: PARTNER_A, hmac: 'starship-hmac-concat', signingSecret: null, revoked: false, allowlist: null },
    },
    unsigned: {
      description: 'Globex, HMAC disabled: the key pair alone authenticates (no signature is checked).',
      record: { owner: PARTNER_B, hmac: null, signingSecret: null, revoked: false, allowlist: null },
    },
    rotated: {
      description: "Acme's previous key pair after a rotation: it keeps working until it is revoked.",
      record: { owner: PARTNER_A, hmac: 'starship-hmac-v1', signingSecret: signingSecret(), revoked: false, allowlist: null },
    },
    revoked: {
      description: 'A revoked Acme key pair (401 E_UNAUTHORIZED_ACCESS).',
      record: { owner: PARTNER_A, hmac: null, signingSecret: null, revoked: true, allowlist: null },
    },
    ip_restricted: {
      description: `An Acme key pair bound to an IP allowlist (${FOREIGN_ADDRESS}) that excludes every local caller (403 IP_NOT_ALLOWED).`,
      record: { owner: PARTNER_A, hmac: null, signingSecret: null, revoked: false, allowlist: [FOREIGN_ADDRESS] },
    },
  };

  const out: Record<string, SandboxCredential> = {};
  for (const [role, { description, record }] of Object.entries(roles)) {
    const cred: CredentialRecord = { apiKey: key(), apiSecret: secret(), ...record };
    store.put(KIND.credential, cred.apiKey, cred, { owner: cred.owner });
    out[role] = {
      description,
      credentials: { apiKey: cred.apiKey, apiSecret: cred.apiSecret },
      ...(cred.hmac === 'starship-hmac-v1' ? { signing: { scheme: cred.hmac, secret: cred.signingSecret! } } : {}),
      ...(cred.hmac === 'starship-hmac-concat' ? { signing: { scheme: cred.hmac, secret: cred.apiSecret } } : {}),
      extra: { owner: cred.owner, partner: PARTNERS.find((p) => p.partner_id === cred.owner)!.name },
    };
  }
  return out;
}
