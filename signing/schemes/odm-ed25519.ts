import { DEFAULT_TOLERANCE_SECONDS, HEADERS } from '../constants.ts';
import type { SchemeDeclaration } from '../types.ts';

/** ODM partner and merchant requests: base64 Ed25519 over the five-line string (accord's canonical string). */
export const odmEd25519: SchemeDeclaration = {
  id: 'odm-ed25519',
  provider: 'odm',
  use: 'request',
  canonical: 'five-line',
  algorithm: 'ed25519',
  key: 'private-key',
  encoding: 'base64',
  signatureHeader: HEADERS.signature,
  signatureFormat: 'plain',
  timestampHeader: HEADERS.timestamp,
  identityHeader: HEADERS.odmApiKey,
  windowSeconds: DEFAULT_TOLERANCE_SECONDS,
  binds: ['method', 'path', 'query', 'body', 'timestamp'],
  keyName: "the API access record's Ed25519 private key (verify with its public key)",
  source: "ODM getting-started (headers, Ed25519, base64); canonical string: accord's assumption",
  mismatchHint:
    "check that the body digest is of the raw body bytes as sent, PATH is the path as sent without the query, the query is sorted by key with values as on the wire, X-Timestamp is the signed timestamp, the signature is standard padded base64 of the 64 raw signature bytes, and the public key belongs to this X-API-Key's private key",
};
