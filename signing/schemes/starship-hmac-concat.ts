import { DEFAULT_TOLERANCE_SECONDS, HEADERS } from '../constants.ts';
import type { SchemeDeclaration } from '../types.ts';

/**
 * Starship overview page pseudo-code: HMAC over ts + method + path + body with the API secret.
 * No delimiters and no query: the query is not bound (documented limitation).
 */
export const starshipHmacConcat: SchemeDeclaration = {
  id: 'starship-hmac-concat',
  provider: 'starship',
  use: 'request',
  canonical: 'concat',
  algorithm: 'hmac-sha256',
  key: 'secret',
  encoding: 'hex',
  signatureHeader: HEADERS.signature,
  signatureFormat: 't-v1',
  timestampHeader: HEADERS.timestamp,
  windowSeconds: DEFAULT_TOLERANCE_SECONDS,
  binds: ['timestamp', 'method', 'path', 'body'],
  keyName: 'the API secret (the X-API-Secret value)',
  source: 'Starship overview page, "Reference signer (pseudo-code)"',
  mismatchHint:
    'check that the signed string is timestamp + METHOD + PATH + raw body with no separators, PATH has no query string, the body is the raw bytes as sent (not re-serialized JSON), and the key is the API secret',
};
