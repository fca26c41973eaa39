/**
 * Helpers for the SIR Giving sandbox tests: generated clients per seeded role (signed when the
 * role has an HMAC secret), raw signed requests for tampering, and the rate-limit header check
 * every partner response must pass.
 */
import { expect } from 'vitest';
import { createSirGivingClient } from '../../../generated/sirgiving/index.ts';
import { sign } from '../../../signing/engine.ts';
import { startTestSandbox, type TestSandbox } from '../../support/sandbox.ts';
import type { CreateSandboxOptions } from '../../../sandbox/app.ts';

/** The seeded credential roles. */
export type Role = 'default' | 'publishable' | 'unsigned' | 'revoked' | 'expired' | 'ipRestricted' | 'suspended' | 'pending' | 'admin' | 'support';

/** A test sandbox whose fetch records responses. */
export interface SirSandbox extends TestSandbox {
  /** Every partner-API response seen, for the "headers on every response" check. */
  responses: Array<{ url: string; status: number; headers: Headers }>;
}

/** A sandbox whose fetch records every response (clients and raw calls go through it). */
export async function startSirGiving(options: CreateSandboxOptions = {}): Promise<SirSandbox> {
  const sb = await startTestSandbox('sirgiving', options);
  const responses: SirSandbox['responses'] = [];
  const inner = sb.fetch;
  const recording = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const res = await inner(input, init);
    const url = input instanceof Request ? input.url : String(input);
    responses.push({ url, status: res.status, headers: res.headers });
    return res;
  }) as typeof fetch;
  return Object.assign(sb, { fetch: recording, responses });
}

/** A seeded credential by role. */
export const creds = (sb: TestSandbox, role: Role) => sb.instance.credentials[role]!;
/** A role's extra values (owner, partnerId, keyId…). */
export const extra = (sb: TestSandbox, role: Role = 'default') => creds(sb, role).extra!;

/** A generated client for a partner key; signed when a secret is given. */
export function keyClient(sb: TestSandbox, partnerKey: string, secret?: string) {
  return createSirGivingClient({
    environment: sb.baseUrl,
    credentials: { partnerKey },
    ...(secret ? { signing: { secret } } : {}),
    fetch: sb.fetch,
    retry: { maxRetries: 0 },
  });
}

/** The generated client for a seeded role, configured as the credentials file describes it. */
export function client(sb: TestSandbox, role: Role = 'default') {
  const c = creds(sb, role);
  return createSirGivingClient({
    environment: sb.baseUrl,
    credentials: c.credentials,
    ...(c.signing?.secret ? { signing: { secret: c.signing.secret } } : {}),
    fetch: sb.fetch,
    retry: { maxRetries: 0 },
  });
}

/** A hand-built request for raw(). */
export interface RawRequest {
  method?: string;
  path: string;
  query?: string;
  body?: string;
  headers?: Record<string, string>;
  /** Sign with this secret (default: the default role's), at this timestamp (default now). */
  secret?: string;
  timestamp?: number;
  /** Send the signed request to another path / query / body (tampering). */
  send?: { path?: string; query?: string; body?: string };
  partnerKey?: string;
  unsigned?: boolean;
}

/** One request built by hand: signed with sirgiving-hmac over what is signed, then sent as `send` says. */
export async function raw(sb: TestSandbox, r: RawRequest): Promise<Response> {
  const base = new URL(sb.baseUrl);
  const method = r.method ?? (r.body !== undefined ? 'POST' : 'GET');
  const fullPath = base.pathname.replace(/\/$/, '') + r.path;
  const headers: Record<string, string> = { 'X-Partner-Key': r.partnerKey ?? creds(sb, 'default').credentials.partnerKey!, ...(r.body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...r.headers };
  if (!r.unsigned) {
    const signed = sign('sirgiving-hmac', {
      method,
      path: fullPath,
      query: r.query ?? '',
      body: r.body ?? '',
      secret: r.secret ?? creds(sb, 'default').signing!.secret!,
      ...(r.timestamp !== undefined ? { timestamp: r.timestamp } : {}),
    });
    Object.assign(headers, signed.headers);
  }
  const sendPath = r.send?.path !== undefined ? base.pathname.replace(/\/$/, '') + r.send.path : fullPath;
  const query = r.send?.query ?? r.query;
  const body = r.send?.body ?? r.body;
  return sb.fetch(`${base.origin}${sendPath}${query ? `?${query}` : ''}`, { method, headers, ...(body !== undefined ? { body } : {}) });
}

/** "Headers on every response": X-RateLimit-Limit/-Remaining/-Reset on each partner-API answer. */
export function expectRateLimitHeadersEverywhere(sb: SirSandbox): void {
  const partnerCalls = sb.responses.splice(0).filter((r) => r.url.includes('/api/v1/') && !r.url.includes('/api/v1/admin/'));
  for (const r of partnerCalls) {
    for (const h of ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset']) {
      expect(r.headers.get(h), `${h} on ${r.status} ${r.url}`).toMatch(/^\d+$/);
    }
  }
}

/** Real unix seconds (signatures use the real clock). */
export const now = () => Math.floor(Date.now() / 1000);

/**
 * The response violations, minus one core false positive: runtime/server/validation.ts stores
 * `null` for a documented response without a JSON body (DELETE /webhooks/{id} → 204) and
 * responseValidator's `??` chain reads that null as "not documented". A status the operation
 * declares is not a violation; anything else stays.
 */
export function violationsOf(sb: TestSandbox) {
  const declared = (operationId: string, status: number) => sb.instance.ctx.contract.operations.find((o) => o.operationId === operationId)?.responses.includes(String(status)) ?? false;
  return sb.violations.filter((v) => !(v.problems.length === 1 && v.problems[0] === `status ${v.status} is not documented` && declared(v.operationId, v.status)));
}
