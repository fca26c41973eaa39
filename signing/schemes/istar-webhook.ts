import { HEADERS } from '../constants.ts';
import type { SchemeDeclaration } from '../types.ts';

/** iStar webhooks: hex HMAC-SHA256 of the raw body. No timestamp, hence no replay window. */
export const istarWebhook: SchemeDeclaration = {
  id: 'istar-webhook',
  provider: 'istar',
  use: 'webhook',
  canonical: 'body-only',
  algorithm: 'hmac-sha256',
  key: 'secret',
  encoding: 'hex',
  signatureHeader: HEADERS.istarSignature,
  signatureFormat: 'plain',
  metadataHeaders: [HEADERS.istarEvent, HEADERS.istarDelivery],
  windowSeconds: null,
  binds: ['body'],
  keyName: 'the webhook secret configured in the iStar Developer Dashboard',
  source: 'iStar docs, "Webhook Security"',
  mismatchHint:
    'check that the HMAC is over the raw request body exactly as received (verify before parsing JSON) and the key is the webhook secret of this endpoint',
};
