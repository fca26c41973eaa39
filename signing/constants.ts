/** Replay window of every timestamped scheme: exactly ±300 s is accepted, ±301 s is not. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** More signatures than this in one header is treated as malformed (bounds the verify work). */
export const MAX_SIGNATURES_PER_HEADER = 8;

/** SHA-256 of the empty string: the body digest of a request without a body. */
export const EMPTY_BODY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** Header names, as the provider docs (or accord's assumption, see specs/CONVENTIONS.md) spell them. */
export const HEADERS = {
  signature: 'X-Signature',
  timestamp: 'X-Timestamp',
  starshipApiKey: 'X-API-Key',
  odmApiKey: 'X-API-Key',
  sirgivingPartnerKey: 'X-Partner-Key',
  starshipWebhookSignature: 'X-Starship-Signature',
  starshipWebhookEvent: 'X-Starship-Event',
  starshipWebhookDelivery: 'X-Starship-Delivery',
  istarSignature: 'X-iStar-Signature',
  istarEvent: 'X-iStar-Event',
  istarDelivery: 'X-iStar-Delivery',
  sirTimestamp: 'X-SIR-Timestamp',
  sirSignature: 'X-SIR-Signature',
  sirEvent: 'X-SIR-Event',
  sirDelivery: 'X-SIR-Delivery',
  odmTimestamp: 'X-ODM-Timestamp',
  odmSignature: 'X-ODM-Signature',
  odmEvent: 'X-ODM-Event',
  odmDelivery: 'X-ODM-Delivery',
} as const;
