/**
 * Helpers for the ODM sandbox tests: generated clients per seeded role, hand-signed raw requests
 * (to tamper with what was signed), the test-only OTP peek, and the business clock.
 */
import { createOdmClient, type OdmClientOptions } from '../../../generated/odm/index.ts';
import { sign } from '../../../signing/engine.ts';
import type { TestSandbox } from '../../support/sandbox.ts';

export type Role = 'default' | 'partner_other' | 'partner_disabled' | 'partner_origin_restricted' | 'rotated' | 'merchant' | 'merchant_other' | 'merchant_no_permission';

export const credentialOf = (sb: TestSandbox, role: Role) => {
  const credential = sb.instance.credentials[role];
  if (!credential) throw new Error(`no seeded ${role} credential`);
  return credential;
};

/** A generated client signing as `role` (no 429 retries: tests look at every answer). */
export function odmClient(sb: TestSandbox, role: Role = 'default', options: Partial<OdmClientOptions> = {}) {
  const credential = credentialOf(sb, role);
  return createOdmClient({
    environment: sb.baseUrl,
    credentials: { apiKey: credential.credentials.apiKey! },
    signing: { privateKey: credential.signing!.privateKey! },
    fetch: sb.fetch,
    retry: { maxRetries: 0 },
    ...options,
  });
}

export interface RawRequest {
  role?: Role;
  method?: string;
  path: string;
  query?: string;
  body?: string;
  headers?: Record<string, string>;
  /** Unix seconds to sign with; default now. */
  timestamp?: number;
  /** Sign with this key instead of the role's. */
  privateKey?: string;
  /** Send something other than what was signed. */
  send?: { method?: string; path?: string; query?: string; body?: string };
  /** Header names to leave out. */
  drop?: string[];
}

export interface RawResponse {
  status: number;
  json: any;
  text: string;
  headers: Headers;
}

/** A request signed by hand with the signing engine, optionally tampered with after signing. */
export async function rawRequest(sb: TestSandbox, r: RawRequest): Promise<RawResponse> {
  const credential = credentialOf(sb, r.role ?? 'default');
  const method = r.method ?? (r.body === undefined ? 'GET' : 'POST');
  const signed = sign('odm-ed25519', {
    method,
    path: r.path,
    query: r.query ?? '',
    body: r.body ?? '',
    timestamp: r.timestamp ?? Math.floor(Date.now() / 1000),
    privateKey: r.privateKey ?? credential.signing!.privateKey!,
  });
  const headers: Record<string, string> = { 'X-API-Key': credential.credentials.apiKey!, ...signed.headers, ...(r.body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...r.headers };
  for (const name of r.drop ?? []) delete headers[name];
  const path = r.send?.path ?? r.path;
  const query = r.send?.query ?? r.query;
  const body = r.send?.body ?? r.body;
  const res = await sb.fetch(`${sb.baseUrl}${path}${query ? `?${query}` : ''}`, { method: r.send?.method ?? method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, json, text, headers: res.headers };
}

/** The OTP the sandbox "texted" for a validation (test-only control route). */
export async function otpOf(sb: TestSandbox, validationId: string): Promise<string> {
  return (await sb.control<{ otp: string }>('GET', `/otp?validation_id=${validationId}`)).otp;
}

export const businessNowMs = async (sb: TestSandbox) => (await sb.control<{ epochMs: number }>('GET', '/clock')).epochMs;

/** An instant `seconds` after the sandbox's business clock, ISO 8601. */
export const businessIn = async (sb: TestSandbox, seconds: number) => new Date((await businessNowMs(sb)) + seconds * 1000).toISOString().replace('.000Z', 'Z');

export const advance = (sb: TestSandbox, seconds: number) => sb.control('POST', '/clock/advance', { seconds });

/** A plausible voucher body; `reference` keeps each test's vouchers apart. */
export const voucherBody = (reference: string, amount = 50000) => ({ amount, currency: 'USD', owner: { phone: '+12025550143', name: 'Dana Lee' }, reference });
