/**
 * ODM test data: partner accounts with API access records (enabled, disabled, origin-restricted,
 * a rotated key), merchants with and without the redemption permission, a few vouchers, and
 * ODM's platform callback key. Every keypair is generated here with node:crypto; the private
 * keys go only into the returned credentials (written to the 0600 credentials file).
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { SandboxContext, SandboxCredential } from '../../../sandbox/provider.ts';
import { EXPIRE_JOB } from './lifecycle.ts';
import { formatCode, KIND, newCode, newId, type AccessRecord, type CredentialRecord, type MerchantRecord, type PlatformKeyRecord, type VoucherRecord } from './records.ts';

/** Where the in-process tests and a local `accord serve` call from. */
export const LOOPBACK_ORIGINS = ['127.0.0.1', '::1', 'localhost'];
/** A documentation address (RFC 5737): never the caller's, so requests get ORIGIN_NOT_ALLOWED. */
export const FOREIGN_ORIGIN = '203.0.113.10';

interface KeyPair {
  privateKeyPem: string;
  publicKeyPem: string;
  publicKeyBase64: string;
}

function keyPair(): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }) as string,
    publicKeyBase64: Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('base64'),
  };
}

const apiKey = (surface: 'partner' | 'merchant') => `odm_test_${surface}_${randomBytes(20).toString('hex')}`;

/** The platform key ODM signs callbacks with (D22). */
export const platformKey = (ctx: SandboxContext) => ctx.store.get<PlatformKeyRecord>(KIND.platformKey, 'callback');

export function seed(ctx: SandboxContext): Record<string, SandboxCredential> {
  const platform: PlatformKeyRecord = keyPair();
  ctx.store.put(KIND.platformKey, 'callback', platform);
  const callbackKeys = { callbackPublicKey: platform.publicKeyPem, callbackPublicKeyBase64: platform.publicKeyBase64 };
  const now = ctx.clock.iso();

  /** A partner credential; `rotatedFrom`: an old key of that access record, no longer valid (D3). */
  const partner = (options: { status?: AccessRecord['status']; origins?: string[]; rotatedFrom?: AccessRecord }) => {
    const keys = keyPair();
    const key = apiKey('partner');
    const access: AccessRecord = options.rotatedFrom ?? {
      access_id: newId(ctx, 'acc'),
      owner: newId(ctx, 'ptn'),
      status: options.status ?? 'enabled',
      allowed_origins: options.origins ?? LOOPBACK_ORIGINS,
      public_key: keys.publicKeyBase64,
      created_at: now,
    };
    const owner = access.owner;
    if (!options.rotatedFrom) ctx.store.put(KIND.access, access.access_id, access, { owner });
    const credential: CredentialRecord = { id: access.access_id, surface: 'partner', owner, accessId: access.access_id, revoked: Boolean(options.rotatedFrom), publicKeyPem: keys.publicKeyPem };
    ctx.store.put(KIND.credential, key, credential, { owner });
    return {
      access,
      credential: (description: string): SandboxCredential => ({
        description,
        credentials: { apiKey: key },
        signing: { scheme: 'odm-ed25519', privateKey: keys.privateKeyPem },
        extra: { owner, accessId: access.access_id, publicKey: keys.publicKeyBase64, ...callbackKeys },
      }),
    };
  };
  const merchant = (name: string, redemptionPermission: boolean) => {
    const record: MerchantRecord = { id: newId(ctx, 'mch'), name, redemptionPermission };
    ctx.store.put(KIND.merchant, record.id, record);
    const keys = keyPair();
    const key = apiKey('merchant');
    ctx.store.put<CredentialRecord>(KIND.credential, key, { id: newId(ctx, 'mcr'), surface: 'merchant', owner: record.id, revoked: false, publicKeyPem: keys.publicKeyPem }, { owner: record.id });
    return (description: string, extra: Record<string, string> = {}): SandboxCredential => ({
      description,
      credentials: { apiKey: key },
      signing: { scheme: 'odm-ed25519', privateKey: keys.privateKeyPem },
      extra: { owner: record.id, merchantName: name, publicKey: keys.publicKeyBase64, ...extra },
    });
  };

  const main = partner({});
  const rotated = partner({ rotatedFrom: main.access });
  const other = partner({});
  const disabled = partner({ status: 'disabled' });
  const restricted = partner({ origins: [FOREIGN_ORIGIN] });
  const sampleCode = seedVouchers(ctx, main.access.owner);

  return {
    // First: the control API's default owner for webhook endpoints is this partner.
    default: main.credential(`Partner API access record (enabled; allowed origins ${LOOPBACK_ORIGINS.join(', ')}) with two vouchers; callbacks are signed by the key in extra.callbackPublicKey.`),
    partner_other: other.credential('A second partner account: its vouchers are invisible to the default partner (404) and vice versa.'),
    partner_disabled: disabled.credential('An API access record whose status is disabled: 403 API_ACCESS_DISABLED except GET /partner/v1/access.'),
    partner_origin_restricted: restricted.credential(`An API access record that allows only ${FOREIGN_ORIGIN}: 403 ORIGIN_NOT_ALLOWED from here.`),
    rotated: rotated.credential("The default partner's previous key, rotated in the portal: 401 API_KEY_INVALID."),
    merchant: merchant('Corner Grocery', true)('Merchant API credentials with the redemption permission; extra.sampleVoucherCode is an active seeded voucher.', { sampleVoucherCode: sampleCode }),
    merchant_other: merchant('Harbour Books', true)("A second merchant: the first merchant's validations and claims are invisible to it (404)."),
    merchant_no_permission: merchant('Kiosk Without Redemption', false)('Merchant API credentials without the redemption permission: 403 PERMISSION_DENIED.'),
  };
}

/** One active voucher (its code returned for the merchant role) and one cancelled one. */
function seedVouchers(ctx: SandboxContext, owner: string): string {
  const nowMs = ctx.clock.now();
  const expiresMs = nowMs + 365 * 24 * 3600 * 1000;
  const base = { owner, currency: 'USD', created_at: ctx.clock.iso(nowMs), createdAtMs: nowMs };
  const active: VoucherRecord = { ...base, voucher_id: newId(ctx, 'vch'), reference: 'welcome-2026', status: 'active', amount: 50000, balance: 50000, phone: '+12025550143', name: 'Dana Lee', expires_at: ctx.clock.iso(expiresMs) };
  const cancelled: VoucherRecord = { ...base, voucher_id: newId(ctx, 'vch'), reference: null, status: 'cancelled', amount: 2500, balance: 2500, phone: '+12025550178', name: null, expires_at: null };
  const codes: string[] = [];
  for (const voucher of [active, cancelled]) {
    const code = newCode();
    codes.push(code);
    ctx.store.put(KIND.voucher, voucher.voucher_id, voucher, { owner });
    ctx.store.put(KIND.code, code, { voucher_id: voucher.voucher_id });
  }
  ctx.jobs.schedule(EXPIRE_JOB, { id: active.voucher_id }, expiresMs - nowMs);
  return formatCode(codes[0]!);
}
