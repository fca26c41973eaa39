import { sign } from './engine.ts';
import { ed25519PrivateKey, hmacSecret } from './keys.ts';
import { getScheme } from './schemes/index.ts';
import type { KeyInput, SchemeId, SecretInput } from './types.ts';

export interface SigningConfig {
  scheme: SchemeId;
  /** HMAC schemes. */
  secret?: SecretInput;
  /** Ed25519 schemes: PKCS#8 PEM or a KeyObject (parsed once, here). */
  privateKey?: KeyInput;
  /** Sent with every request (X-API-Key, X-Partner-Key…). */
  headers?: Record<string, string>;
  /** Clock in unix seconds; default Date.now(). */
  now?: () => number;
}

type Signer = (request: Request) => Promise<Request>;

/** Validates the key once so a misconfigured client fails at construction, not on its first request. */
function createSigner(config: SigningConfig): Signer {
  const scheme = getScheme(config.scheme);
  const secret = scheme.key === 'secret' ? hmacSecret(scheme, config.secret) : undefined;
  const privateKey = scheme.key === 'private-key' ? ed25519PrivateKey(scheme, config.privateKey) : undefined;
  return (request) => signRequest(request, { ...config, ...(secret === undefined ? {} : { secret }), ...(privateKey === undefined ? {} : { privateKey }) });
}

/**
 * Signs a Fetch `Request`: reads its body once as bytes, signs exactly those bytes and returns a
 * new Request carrying the same bytes plus the signing headers. The original body is consumed.
 */
export async function signRequest(request: Request, config: SigningConfig): Promise<Request> {
  const url = new URL(request.url);
  const body = request.body === null ? new Uint8Array(0) : new Uint8Array(await request.arrayBuffer());
  const signed = sign(config.scheme, {
    method: request.method,
    path: url.pathname,
    query: url.search.slice(1),
    body,
    timestamp: Math.floor(config.now ? config.now() : Date.now() / 1000),
    ...(config.secret === undefined ? {} : { secret: config.secret }),
    ...(config.privateKey === undefined ? {} : { privateKey: config.privateKey }),
  });
  const headers = new Headers(request.headers);
  for (const [name, value] of Object.entries(config.headers ?? {})) headers.set(name, value);
  for (const [name, value] of Object.entries(signed.headers)) headers.set(name, value);
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD' && (request.body !== null || body.byteLength > 0);
  return new Request(request, { headers, body: hasBody ? body : null });
}

/**
 * openapi-fetch middleware that signs every request.
 *
 * @example
 *   const client = createClient<paths>({ baseUrl });
 *   client.use(createSigningMiddleware({ scheme: 'starship-hmac-v1', secret, headers: { 'X-API-Key': key } }));
 */
export function createSigningMiddleware(config: SigningConfig): { onRequest(params: { request: Request }): Promise<Request> } {
  const signer = createSigner(config);
  return { onRequest: ({ request }) => signer(request) };
}

/**
 * A request interceptor for the @hey-api fetch client.
 *
 * @example
 *   client.interceptors.request.use(createSigningInterceptor({ scheme: 'odm-ed25519', privateKey: pem, headers: { 'X-API-Key': key } }));
 */
export function createSigningInterceptor(config: SigningConfig): (request: Request, options?: unknown) => Promise<Request> {
  const signer = createSigner(config);
  return (request) => signer(request);
}
