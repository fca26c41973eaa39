/**
 * accord's signing engine: every request- and webhook-signing scheme of the four providers,
 * declared as data (signing/schemes/) and run by one engine on node:crypto.
 * Scheme ids and canonical strings: specs/CONVENTIONS.md. Test vectors: specs/VECTORS.md.
 */

/**
 * Signs a request or webhook.
 * @example
 *   const { headers } = sign('starship-hmac-v1', { method: 'GET', path: '/api/v1/products', query: 'per_page=50', secret });
 */
export { sign } from './engine.ts';

/**
 * Verifies a signed request or webhook; throws SignatureVerificationError with a `code`.
 * @example
 *   verify('istar-webhook', { headers: req.headers, body: rawBody, secret: [current, previous] });
 */
export { verify } from './engine.ts';

/**
 * The one error class, with `code`, `scheme`, `header` and (for the window) `skewSeconds`.
 * @example
 *   if (err instanceof SignatureVerificationError && err.code === 'timestamp_out_of_window') resync();
 */
export { SignatureVerificationError, SIGNATURE_ERROR_CODES, type SignatureErrorCode } from './errors.ts';

/**
 * The scheme declarations.
 * @example
 *   getScheme('odm-ed25519').binds // ['method', 'path', 'query', 'body', 'timestamp']
 */
export { SCHEMES, SCHEME_IDS, getScheme, isSchemeId } from './schemes/index.ts';

/**
 * Canonical-string helpers.
 * @example
 *   sortedQuery('b=2&a=1&a=0') // 'a=1&a=0&b=2'
 */
export { sortedQuery, sha256Hex, fiveLine, concat, timestampDotBody, bodyOnly, canonicalBytes, type Canonical } from './canonical.ts';

/**
 * Fetch integration: sign a Request, an openapi-fetch middleware, a hey-api interceptor.
 * @example
 *   client.use(createSigningMiddleware({ scheme: 'sirgiving-hmac', secret, headers: { 'X-Partner-Key': sk } }));
 */
export { signRequest, createSigningMiddleware, createSigningInterceptor, type SigningConfig } from './fetch.ts';

/**
 * Constant-time byte comparison.
 * @example
 *   constantTimeEqual(expected, presented)
 */
export { constantTimeEqual } from './timing-safe.ts';

/**
 * Named constants (window, header names).
 * @example
 *   DEFAULT_TOLERANCE_SECONDS // 300
 */
export { DEFAULT_TOLERANCE_SECONDS, EMPTY_BODY_SHA256, HEADERS } from './constants.ts';

export type { SchemeDeclaration, SchemeId, SignInput, SignResult, VerifyInput, VerifyResult, KeyInput, SecretInput, BodyInput, HeadersInput } from './types.ts';
