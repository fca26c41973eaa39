/**
 * What every generated client does to a request before it is sent, whichever flavour
 * (openapi-fetch middleware or hey-api interceptor) carries it: auth headers from the
 * credentials, an X-Request-Id, an Idempotency-Key where the operation takes one, and the
 * provider's signature over the exact bytes sent — last, so it covers the final request.
 */
import { randomUUID } from 'node:crypto';
import { signRequest } from '../../signing/fetch.ts';
import { ed25519PrivateKey, hmacSecret } from '../../signing/keys.ts';
import { getScheme } from '../../signing/schemes/index.ts';
import type { KeyInput, SchemeId, SecretInput } from '../../signing/types.ts';
import type { Contract, ContractOperation } from '../contract.ts';
import { newIdempotencyKey } from './idempotency.ts';

export interface SigningOptions {
  /** Defaults to the contract's request scheme (x-signing.request). */
  scheme?: SchemeId;
  /** HMAC signing secret (Starship's signing secret, SIR Giving's HMAC secret). */
  secret?: SecretInput;
  /** Ed25519 private key, PKCS#8 PEM (ODM). */
  privateKey?: KeyInput;
}

export interface PipelineOptions {
  /** Values for the contract's auth headers, by credential name (apiKey, apiSecret, partnerKey…). */
  credentials: Record<string, string | undefined>;
  /** Sign requests; `false` never signs. Default: sign when a secret or key is given. */
  signing?: SigningOptions | false;
  /** Generate an Idempotency-Key when the caller gives none (default true for required keys). */
  autoIdempotencyKey?: boolean;
  /** Request ids for X-Request-Id when the caller sets none; default random UUIDs. */
  requestId?: () => string;
  now?: () => number;
}

export type RequestStep = (request: Request, operation: ContractOperation | undefined) => Promise<Request>;

export function createRequestPipeline(contract: Contract, options: PipelineOptions): RequestStep {
  const staticHeaders: Record<string, string> = {};
  for (const auth of contract.auth) {
    const value = options.credentials[auth.credential];
    if (!auth.computed && value !== undefined) staticHeaders[auth.header] = auth.prefix + value;
  }
  const signing = resolveSigning(contract, options.signing);
  const idemHeader = contract.idempotency?.header ?? 'Idempotency-Key';
  const autoKey = options.autoIdempotencyKey ?? true;
  const requestId = options.requestId ?? randomUUID;

  return async (request, operation) => {
    const headers = new Headers(request.headers);
    for (const [name, value] of Object.entries(staticHeaders)) if (!headers.has(name)) headers.set(name, value);
    if (!headers.has('X-Request-Id')) headers.set('X-Request-Id', requestId());
    if (operation?.idempotency === 'required' && autoKey && !headers.has(idemHeader)) headers.set(idemHeader, newIdempotencyKey());
    let out = new Request(request, { headers });
    if (signing && operation?.signing !== 'none') out = await signRequest(out, { ...signing, ...(options.now ? { now: options.now } : {}) });
    return out;
  };
}

function resolveSigning(contract: Contract, signing: SigningOptions | false | undefined) {
  if (signing === false || !signing || (signing.secret === undefined && signing.privateKey === undefined)) return null;
  const schemeId = signing.scheme ?? contract.signing.request;
  if (!schemeId) throw new Error(`${contract.provider} requests are not signed; remove the signing option`);
  const scheme = getScheme(schemeId);
  // Parse and check the key now, so a bad key fails when the client is built, not on first use.
  return scheme.key === 'secret'
    ? { scheme: scheme.id, secret: hmacSecret(scheme, signing.secret) }
    : { scheme: scheme.id, privateKey: ed25519PrivateKey(scheme, signing.privateKey) };
}
