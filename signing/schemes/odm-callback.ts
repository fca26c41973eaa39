import { DEFAULT_TOLERANCE_SECONDS, HEADERS } from '../constants.ts';
import type { SchemeDeclaration } from '../types.ts';

/** ODM callbacks: signed by ODM's platform key; accord's assumption (CONVENTIONS.md). */
export const odmCallback: SchemeDeclaration = {
  id: 'odm-callback',
  provider: 'odm',
  use: 'webhook',
  canonical: 'timestamp-dot-body',
  algorithm: 'ed25519',
  key: 'private-key',
  encoding: 'base64',
  signatureHeader: HEADERS.odmSignature,
  signatureFormat: 'plain',
  timestampHeader: HEADERS.odmTimestamp,
  metadataHeaders: [HEADERS.odmEvent, HEADERS.odmDelivery],
  windowSeconds: DEFAULT_TOLERANCE_SECONDS,
  binds: ['timestamp', 'body'],
  keyName: "ODM's platform Ed25519 key (partners verify with ODM's published public key)",
  source: "accord's assumption (the docs name a callback URL, not how callbacks are signed)",
  mismatchHint:
    "check that the signed string is X-ODM-Timestamp + \".\" + the raw request body exactly as received, and that you verify with ODM's platform public key (not your own API key pair)",
};
