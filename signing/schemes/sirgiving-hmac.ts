import { DEFAULT_TOLERANCE_SECONDS, HEADERS } from '../constants.ts';
import type { SchemeDeclaration } from '../types.ts';

/** SIR Giving sk_ requests: the docs name the headers only; accord reuses the five-line string. */
export const sirgivingHmac: SchemeDeclaration = {
  id: 'sirgiving-hmac',
  provider: 'sirgiving',
  use: 'request',
  canonical: 'five-line',
  algorithm: 'hmac-sha256',
  key: 'secret',
  encoding: 'hex',
  signatureHeader: HEADERS.signature,
  signatureFormat: 'plain',
  timestampHeader: HEADERS.timestamp,
  identityHeader: HEADERS.sirgivingPartnerKey,
  windowSeconds: DEFAULT_TOLERANCE_SECONDS,
  binds: ['method', 'path', 'query', 'body', 'timestamp'],
  keyName: 'the 64-hex HMAC signing secret, used as its ASCII text (not the sk_ key)',
  source: "SIR Giving onboarding (headers); canonical string: accord's assumption",
  mismatchHint:
    'check that the body digest is of the raw body bytes as sent, PATH is the path as sent without the query, the query is sorted by key with values as on the wire, X-Timestamp is the signed timestamp, and the key is the 64-hex HMAC signing secret used as ASCII text (not hex-decoded, not the sk_ key)',
};
