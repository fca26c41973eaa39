import { DEFAULT_TOLERANCE_SECONDS, HEADERS } from '../constants.ts';
import type { SchemeDeclaration } from '../types.ts';

/** Starship request-headers page: five-line canonical string, HMAC with the credential's signing secret. */
export const starshipHmacV1: SchemeDeclaration = {
  id: 'starship-hmac-v1',
  provider: 'starship',
  use: 'request',
  canonical: 'five-line',
  algorithm: 'hmac-sha256',
  key: 'secret',
  encoding: 'hex',
  signatureHeader: HEADERS.signature,
  signatureFormat: 't-v1',
  windowSeconds: DEFAULT_TOLERANCE_SECONDS,
  binds: ['method', 'path', 'query', 'body', 'timestamp'],
  keyName: "the credential's signing secret (not X-API-Secret)",
  source: 'Starship "Request Headers" page: X-Signature, five-line canonical string',
  mismatchHint:
    'check that the body digest is of the raw body bytes as sent (not re-serialized JSON), PATH is the path as sent without the query (base path and trailing slash included), the query is sorted by key with values exactly as on the wire, METHOD is uppercase, and the key is the signing secret (not X-API-Secret)',
};
