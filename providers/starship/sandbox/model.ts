/**
 * What the Starship sandbox stores (one JSON document per record, see sandbox/store.ts) and the
 * small helpers every handler file shares: ids, money in cents, dates.
 * Amounts are kept in integer cents so wallet arithmetic never drifts; the API renders major units.
 */
import { randomFillSync } from 'node:crypto';
import { ulid } from '../../../runtime/ids.ts';
import type { components } from '../../../generated/starship/types.ts';
import type { SchemeId } from '../../../signing/types.ts';

/** The spec's schemas (generated types). */
export type Schemas = components['schemas'];

/** Record kinds in the store (prefixed so they never collide with the core's kinds). */
export const KIND = {
  credential: 'ss_credential',
  partner: 'ss_partner',
  wallet: 'ss_wallet',
  category: 'ss_category',
  product: 'ss_product',
  order: 'ss_order',
  voucher: 'ss_voucher',
  transaction: 'ss_transaction',
  payout: 'ss_payout',
  webhook: 'ss_webhook',
  drift: 'ss_drift',
} as const;

/** One API key pair. `hmac` is the credential's signing recipe (null: HMAC disabled, D3). */
export interface CredentialRecord {
  apiKey: string;
  apiSecret: string;
  owner: string;
  hmac: Extract<SchemeId, 'starship-hmac-v1' | 'starship-hmac-concat'> | null;
  /** The signing secret of starship-hmac-v1 credentials (concat signs with the API secret). */
  signingSecret: string | null;
  revoked: boolean;
  /** Caller addresses allowed (D11); null: any. */
  allowlist: string[] | null;
}

/** A payout destination registered for a partner. */
export interface Destination {
  type: Schemas['PayoutDestination']['type'];
  account_reference: string;
}

/** A partner organization: owner of credentials, wallet, orders. */
export interface PartnerRecord {
  partner_id: string;
  name: string;
  currency: string;
  /** Payout destinations registered during onboarding (D23). */
  destinations: Destination[];
}

/** A partner's prepaid wallet (one currency). */
export interface WalletRecord {
  owner: string;
  balanceCents: number;
  currency: string;
  updated_at: string;
}

/** A catalog product with its sandbox inventory and voucher format. */
export interface ProductRecord {
  product_id: string;
  name: string;
  category_id: number;
  brand: string;
  faceCents: number;
  priceCents: number;
  currency: string;
  available: boolean;
  /** Pre-allocated vouchers in Starship's cache: an order for at most this many is a cache hit. */
  cacheStock: number;
  /** Upstream vendor of the asynchronous path (named in reconciliation drifts). */
  vendor: string;
  codePrefix: string;
  hasPin: boolean;
  validityDays: number;
}

/** An order as stored (amounts in cents; vouchers as metadata). */
export interface OrderRecord {
  order_id: string;
  owner: string;
  status: Schemas['OrderStatus'];
  product_id: string;
  quantity: number;
  reference: string | null;
  totalCents: number;
  currency: string;
  fulfilled_from: Schemas['FulfilledFrom'];
  vouchers: Schemas['VoucherSummary'][];
  created_at: string;
  updated_at: string;
  /** When vouchers were allocated (the reconciliation date), business epoch ms. */
  settledAt: number | null;
  cancelReason: string | null;
}

/** An issued voucher with its secret code: only GET /orders/{id}/vouchers returns these. */
export interface VoucherRecord {
  voucher_id: string;
  order_id: string;
  product_id: string;
  code: string;
  pin: string | null;
  expiry: string;
}

/** One wallet movement as stored. */
export interface TransactionRecord {
  transaction_id: string;
  type: Schemas['TransactionType'];
  amountCents: number;
  currency: string;
  balanceAfterCents: number;
  order_id: string | null;
  payout_id: string | null;
  description: string;
  created_at: string;
}

/** A payout as stored. */
export interface PayoutRecord {
  payout_id: string;
  owner: string;
  status: Schemas['PayoutStatus'];
  amountCents: number;
  currency: string;
  destination: Destination;
  reference: string | null;
  failure_reason: string | null;
  created_at: string;
  updated_at: string;
}

/** The API view of a registered endpoint; its delivery target and secret live in the core's record. */
export interface WebhookRecord {
  webhook_id: string;
  owner: string;
  url: string;
  events: Schemas['WebhookEventType'][];
  description: string | null;
  created_at: string;
}

/** A reconciliation finding injected through the control API (drifts are never invented). */
export interface DriftRecord {
  id: string;
  owner: string;
  /** Settlement date of the allocation, YYYY-MM-DD. */
  date: string;
  /** `drift`: listed in `drifts`; `unmatched`: the vendor has no record (counted only). */
  kind: 'drift' | 'unmatched';
  order_id: string;
  voucher_id: string;
  vendor: string;
  product_id: string;
  our_allocation: string;
  vendor_record: string;
  detected_at: string;
  resolution: Schemas['ReconciliationDrift']['resolution'];
}

/** Id prefixes of Starship resources (D16). */
export type IdPrefix = 'ord' | 'vch' | 'txn' | 'po' | 'wh' | 'evt';

/** `<prefix>_<ULID>` (D16). */
export const newId = (prefix: IdPrefix) => `${prefix}_${ulid()}`;

/** Major units → integer cents. */
export const toCents = (amount: number) => Math.round(amount * 100);
/** Integer cents → major units. */
export const fromCents = (cents: number) => cents / 100;
/** "500.00 USD" for messages. */
export const money = (cents: number, currency: string) => `${(cents / 100).toFixed(2)} ${currency}`;

const DAY_MS = 86_400_000;
/** YYYY-MM-DD (UTC) of an epoch-ms instant. */
export const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** The UTC date `days` after an instant. */
export const addDays = (ms: number, days: number) => dateOf(ms + days * DAY_MS);
/** Epoch ms of 00:00 UTC on a YYYY-MM-DD date. */
export const startOfDay = (date: string) => Date.parse(`${date}T00:00:00Z`);
/** Milliseconds in a day. */
export { DAY_MS };

const POOL = Buffer.alloc(4096);
let poolAt = POOL.length;
/** `n` (≤ 4096) bytes from node:crypto, drawn 4 KiB at a time. */
function pooledBytes(n: number): Uint8Array {
  if (poolAt + n > POOL.length) {
    randomFillSync(POOL);
    poolAt = 0;
  }
  poolAt += n;
  return POOL.subarray(poolAt - n, poolAt);
}

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const BASE32 = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** `length` characters of `alphabet` from node:crypto (rejection sampling: no modulo bias). */
export function randomChars(length: number, alphabet = BASE62): string {
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    for (const byte of pooledBytes(length * 2)) {
      if (byte < limit && out.length < length) out += alphabet[byte % alphabet.length];
    }
  }
  return out;
}

/** A voucher code like AMZN-7Q4F-8M2K-5R3T (sandbox inventory: never redeemable). */
export const voucherCode = (prefix: string) => [prefix, randomChars(4, BASE32), randomChars(4, BASE32), randomChars(4, BASE32)].join('-');
/** A 4-digit PIN. */
export const voucherPin = () => randomChars(4, '0123456789');
