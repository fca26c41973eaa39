import { DEFAULT_TOLERANCE_SECONDS, HEADERS } from '../constants.ts';
import type { SchemeDeclaration } from '../types.ts';

/** SIR Giving webhooks: undocumented; accord's assumption (CONVENTIONS.md). */
export const sirgivingWebhook: SchemeDeclaration = {
  id: 'sirgiving-webhook',
  provider: 'sirgiving',
  use: 'webhook',
  canonical: 'timestamp-dot-body',
  algorithm: 'hmac-sha256',
  key: 'secret',
  encoding: 'hex',
  signatureHeader: HEADERS.sirSignature,
  signatureFormat: 'v1',
  timestampHeader: HEADERS.sirTimestamp,
  metadataHeaders: [HEADERS.sirEvent, HEADERS.sirDelivery],
  windowSeconds: DEFAULT_TOLERANCE_SECONDS,
  binds: ['timestamp', 'body'],
  keyName: "the partner's HMAC signing secret, used as its ASCII text",
  source: "accord's assumption (the onboarding page names webhook events, not their signature)",
  mismatchHint:
    'check that the signed string is X-SIR-Timestamp + "." + the raw request body exactly as received, and the key is the HMAC signing secret used as ASCII text',
};
