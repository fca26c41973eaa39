import { DEFAULT_TOLERANCE_SECONDS, HEADERS } from '../constants.ts';
import type { SchemeDeclaration } from '../types.ts';

/** Starship webhooks: the docs say "signed" only; this layout is accord's assumption (CONVENTIONS.md). */
export const starshipWebhook: SchemeDeclaration = {
  id: 'starship-webhook',
  provider: 'starship',
  use: 'webhook',
  canonical: 'timestamp-dot-body',
  algorithm: 'hmac-sha256',
  key: 'secret',
  encoding: 'hex',
  signatureHeader: HEADERS.starshipWebhookSignature,
  signatureFormat: 't-v1',
  metadataHeaders: [HEADERS.starshipWebhookEvent, HEADERS.starshipWebhookDelivery],
  windowSeconds: DEFAULT_TOLERANCE_SECONDS,
  binds: ['timestamp', 'body'],
  keyName: 'the webhook signing secret',
  source: "accord's assumption (the overview page says webhooks are signed, not how)",
  mismatchHint:
    'check that the signed string is timestamp + "." + the raw request body exactly as received (verify before parsing JSON), and the key is the webhook secret',
};
