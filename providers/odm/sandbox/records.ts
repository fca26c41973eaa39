/**
 * What the ODM sandbox keeps in its store, and how records become the spec's representations.
 * Voucher codes live only in their own lookup index (kind `voucher_code`), never in the voucher
 * record, so no read or callback can leak one (D15).
 */
import { randomInt } from 'node:crypto';
import { monotonicFactory } from 'ulid';
import type { components } from '../../../generated/odm/types.ts';
import type { SandboxContext } from '../../../sandbox/provider.ts';

export type Schemas = components['schemas'];
export type EventName = Schemas['EventName'];

/** Store kinds, in one place so the handlers and the control routes agree. */
export const KIND = {
  credential: 'credential',
  access: 'access_record',
  merchant: 'merchant',
  voucher: 'voucher',
  code: 'voucher_code',
  validation: 'validation',
  claim: 'claim',
  platformKey: 'platform_key',
} as const;

/** One API credential, looked up by its API key (X-API-Key). */
export interface CredentialRecord {
  /** Stable id (idempotency and rate limits are scoped to it, not to the key itself). */
  id: string;
  surface: 'partner' | 'merchant';
  /** Partner account or merchant id: the owner of the data. */
  owner: string;
  /** Partner credentials: their API access record (D18). */
  accessId?: string;
  /** A rotated or revoked key answers 401 API_KEY_INVALID (D3). */
  revoked: boolean;
  publicKeyPem: string;
}

/** A partner's API access record, as set in the partner portal (D7, D8, D18). */
export interface AccessRecord {
  access_id: string;
  owner: string;
  status: 'enabled' | 'disabled';
  allowed_origins: string[];
  /** Raw Ed25519 public key, standard base64. */
  public_key: string;
  created_at: string;
}

export interface MerchantRecord {
  id: string;
  name: string;
  /** "Operator can validate vouchers and create claims" (D9). */
  redemptionPermission: boolean;
}

export interface VoucherRecord {
  voucher_id: string;
  /** The issuing partner account. */
  owner: string;
  reference: string | null;
  status: Schemas['VoucherStatus'];
  amount: number;
  currency: string;
  balance: number;
  phone: string;
  name: string | null;
  expires_at: string | null;
  created_at: string;
  /** Business epoch ms of creation (list order, D17). */
  createdAtMs: number;
}

export interface ValidationRecord {
  validation_id: string;
  /** The merchant that validated. */
  owner: string;
  voucher_id: string;
  /** The current OTP; the sandbox keeps it readable for the test-only control route. */
  otp: string;
  otpSentAtMs: number;
  wrongAttempts: number;
  locked: boolean;
  claimId: string | null;
  created_at: string;
}

/** A claim as the spec shows it, plus the merchant that made it. */
export type ClaimRecord = Schemas['Claim'] & { owner: string };

/** The platform Ed25519 key that signs callbacks (D22). */
export interface PlatformKeyRecord {
  privateKeyPem: string;
  publicKeyPem: string;
  publicKeyBase64: string;
}

export const OTP_TTL_MS = 5 * 60 * 1000;
export const OTP_RESEND_INTERVAL_MS = 60 * 1000;
export const MAX_WRONG_OTPS = 5;
export const ALL_EVENTS: EventName[] = ['voucher.issued', 'voucher.claimed', 'voucher.cancelled', 'voucher.expired'];

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
// One monotonic factory per sandbox: several sandboxes in one process keep separate clocks.
const factories = new WeakMap<SandboxContext, ReturnType<typeof monotonicFactory>>();

/** `prefix_` + a ULID stamped with business time, so ids sort like `created_at` (D13). */
export function newId(ctx: SandboxContext, prefix: 'vch' | 'val' | 'clm' | 'evt' | 'acc' | 'mcr' | 'ptn' | 'mch'): string {
  let next = factories.get(ctx);
  if (!next) factories.set(ctx, (next = monotonicFactory()));
  return `${prefix}_${next(Math.floor(ctx.clock.now()))}`;
}

/** 16 Crockford base32 characters, unhyphenated (the stored and looked-up form). */
export const newCode = () => Array.from({ length: 16 }, () => CROCKFORD[randomInt(32)]).join('');

/** `7KQ2M9XD4HTP2WVA` → `7KQ2-M9XD-4HTP-2WVA` (D15). */
export const formatCode = (code: string) => code.match(/.{4}/g)!.join('-');

/** As merchants type it: any case, with or without hyphens and spaces (D15). */
export const normalizeCode = (typed: string) => typed.toUpperCase().replace(/[\s-]/g, '');

/** `+12025550143` → `+120******43` (D14). */
export function maskPhone(phone: string): string {
  const digits = phone.slice(1);
  return `+${digits.slice(0, 3)}${'*'.repeat(digits.length - 5)}${digits.slice(-2)}`;
}

export const newOtp = () => String(randomInt(1_000_000)).padStart(6, '0');

/** ISO 8601 UTC to the second, as the sandbox clock writes it (the spec's examples). */
export const isoUtc = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function voucherView(v: VoucherRecord): Schemas['Voucher'] {
  return {
    voucher_id: v.voucher_id,
    reference: v.reference,
    status: v.status,
    amount: v.amount,
    currency: v.currency,
    balance: v.balance,
    owner: { phone_masked: maskPhone(v.phone), name: v.name },
    expires_at: v.expires_at,
    created_at: v.created_at,
  };
}

/** Callback `data`: the voucher after the event, no code, no phone, no name (D21). */
export function eventData(v: VoucherRecord): Schemas['VoucherEventData'] {
  return { voucher_id: v.voucher_id, reference: v.reference, status: v.status, amount: v.amount, currency: v.currency, balance: v.balance, expires_at: v.expires_at };
}

export function validationView(val: ValidationRecord, v: VoucherRecord): Schemas['Validation'] {
  const masked = maskPhone(v.phone);
  return {
    validation_id: val.validation_id,
    voucher: { voucher_id: v.voucher_id, status: 'active', amount: v.amount, currency: v.currency, balance: v.balance, expires_at: v.expires_at, owner_hint: masked },
    otp: { channel: 'sms', sent_to: masked, expires_at: isoUtc(val.otpSentAtMs + OTP_TTL_MS), resend_available_at: isoUtc(val.otpSentAtMs + OTP_RESEND_INTERVAL_MS) },
  };
}

export function claimView(c: ClaimRecord): Schemas['Claim'] {
  const { owner: _owner, ...claim } = c;
  return claim;
}
