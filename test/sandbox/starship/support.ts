/**
 * Shared by the Starship sandbox tests: generated clients per seeded credential, raw requests
 * (for bytes the client would never send: tampered, unsigned, malformed), clock helpers.
 */
import { createStarshipClient, type StarshipClientOptions, type StarshipCredentials } from '../../../generated/starship/index.ts';
import { signRequest } from '../../../signing/fetch.ts';
import type { SchemeId } from '../../../signing/types.ts';
import type { TestSandbox } from '../../support/sandbox.ts';

export type Role = 'default' | 'legacy_concat' | 'unsigned' | 'rotated' | 'revoked' | 'ip_restricted';

export const credential = (sb: TestSandbox, role: Role) => {
  const c = sb.instance.credentials[role];
  if (!c) throw new Error(`no ${role} credential seeded`);
  return c;
};

/** A generated client for a seeded credential, signing the way that credential must. */
export function clientFor(sb: TestSandbox, role: Role = 'default', options: Partial<StarshipClientOptions> = {}) {
  const c = credential(sb, role);
  return createStarshipClient({
    environment: sb.baseUrl,
    credentials: c.credentials as unknown as StarshipCredentials,
    signing: c.signing ? { scheme: c.signing.scheme, secret: c.signing.secret! } : false,
    fetch: sb.fetch,
    retry: { maxRetries: 0 },
    ...options,
  });
}

export interface RawOptions {
  body?: string | Uint8Array;
  contentType?: string | null;
  headers?: Record<string, string>;
  /** false: send unsigned; an object: sign with these overrides. Default: as the credential signs. */
  sign?: false | { now?: number; secret?: string; scheme?: SchemeId };
}

/** Builds the request a credential would send (auth headers, signature over these exact bytes). */
export async function rawRequest(sb: TestSandbox, role: Role, method: string, path: string, options: RawOptions = {}): Promise<Request> {
  const c = credential(sb, role);
  const headers = new Headers({ 'X-API-Key': c.credentials.apiKey!, 'X-API-Secret': c.credentials.apiSecret!, ...options.headers });
  if (options.body !== undefined && options.contentType !== null) headers.set('Content-Type', options.contentType ?? 'application/json');
  let request = new Request(`${sb.baseUrl}${path}`, { method, headers, ...(options.body !== undefined ? { body: options.body as BodyInit } : {}) });
  if (options.sign !== false && c.signing) {
    const o = options.sign ?? {};
    request = await signRequest(request, { scheme: o.scheme ?? c.signing.scheme, secret: o.secret ?? c.signing.secret!, ...(o.now !== undefined ? { now: () => o.now! } : {}) });
  }
  return request;
}

export async function raw(sb: TestSandbox, role: Role, method: string, path: string, options: RawOptions = {}): Promise<Response> {
  return sb.fetch(await rawRequest(sb, role, method, path, options));
}

/** Moves business time forward and runs every job that fell due (lifecycle steps, deliveries). */
export const advance = (sb: TestSandbox, seconds: number) => sb.control('POST', '/clock/advance', { seconds });

/** Business time now, epoch ms. */
export const businessNow = async (sb: TestSandbox) => (await sb.control<{ epochMs: number }>('GET', '/clock')).epochMs;

export const nowSeconds = () => Math.floor(Date.now() / 1000);

export const newKey = () => `test-${crypto.randomUUID()}`;

/**
 * The response violations the tests assert empty, minus one false positive of the core:
 * runtime/server/validation.ts `responseValidator` maps a declared body-less response (204,
 * stored as null) through `??` to "not documented". DELETE /webhooks/{id} → 204 is declared.
 */
export const violations = (sb: TestSandbox) =>
  sb.violations.filter((v) => !(v.operationId === 'deleteWebhookEndpoint' && v.status === 204 && v.problems.join() === 'status 204 is not documented'));
