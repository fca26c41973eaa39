import type { SchemeId } from '../types.ts';

/** Every vector is signed at this instant (2025-04-14T16:00:00Z, the Starship overview's example). */
export const T = 1744646400;

/** Per-scheme request data: realistic paths and bodies from the provider docs and specs. */
export interface Fixture {
  /** Non-signature headers the sender adds (credential id, event, delivery id): signed input, not bound. */
  headers: Record<string, string>;
  getPath: string;
  postPath: string;
  /** A write that carries no body. */
  emptyPostPath: string;
  /** A path with a percent-encoded segment, kept as sent. */
  encodedPath: string;
  /** A JSON body (request schemes: a create call; webhooks: the event payload). */
  body: string;
  /** A second webhook payload (another event). */
  body2: string;
}

const ORDER = '{"product_id":"amazon-gift-500","quantity":1,"currency":"USD"}';

// The Starship overview's sample payload, as one line (its elided ids kept as the docs print them).
const STARSHIP_DELIVERED =
  '{"event":"order.delivered","event_id":"evt_01HX9ABC...","created_at":"2026-04-14T08:42:15Z","data":{"order_id":"ord_01HX9...","status":"DELIVERED","total_amount":500.00,"currency":"USD","fulfilled_from":"cache","vouchers":[{"product_id":"amazon-gift-500","expiry":"2027-04-14"}]}}';
const STARSHIP_CREATED =
  '{"event":"order.created","event_id":"evt_01HX9ABD...","created_at":"2026-04-14T08:42:00Z","data":{"order_id":"ord_01HX9...","status":"PENDING"}}';

// iStar's two documented payloads, as one line each.
const ISTAR_COMPLETED =
  '{"event_type":"order.completed","occurred_at":"2025-04-01T12:34:58Z","order":{"id":"550e8400-e29b-41d4-a716-446655440000","status":"completed","order_type":"star","amount":55.5,"created_at":"2025-04-01T12:34:56Z","updated_at":"2025-04-01T12:34:58Z","payload":{"username":"johndoe","recipient":"ABCDEF123456","quantity":100,"completed_at":"2025-04-01T12:34:58Z","tx_hash":"base64_encoded_transaction_hash"}},"tx_hash":"base64_encoded_transaction_hash","completed_at":"2025-04-01T12:34:58Z","quantity":100}';
const ISTAR_FAILED =
  '{"event_type":"order.failed","occurred_at":"2025-04-01T12:34:58Z","order":{"id":"550e8400-e29b-41d4-a716-446655440000","status":"failed","order_type":"star","amount":55.5,"created_at":"2025-04-01T12:34:56Z","updated_at":"2025-04-01T12:34:58Z","payload":{"username":"johndoe","recipient":"ABCDEF123456","quantity":100,"failed_at":"2025-04-01T12:34:58Z","reason":"Fragment transaction expired"}},"error":"Fragment transaction expired","retry_count":5,"max_retries":5}';

const starshipRequest: Omit<Fixture, 'headers'> = {
  getPath: '/api/v1/products',
  postPath: '/api/v1/orders',
  emptyPostPath: '/api/v1/cart/checkout',
  encodedPath: '/api/v1/products/caf%C3%A9-gift%2F500',
  body: ORDER,
  body2: ORDER,
};

export const FIXTURES: Record<SchemeId, Fixture> = {
  'starship-hmac-v1': { headers: { 'X-API-Key': 'pk_test_starship_DO_NOT_USE' }, ...starshipRequest },
  'starship-hmac-concat': { headers: { 'X-API-Key': 'pk_test_starship_DO_NOT_USE' }, ...starshipRequest },
  'starship-webhook': {
    headers: { 'X-Starship-Event': 'order.delivered', 'X-Starship-Delivery': 'dlv_test_0001' },
    getPath: '/webhooks/starship',
    postPath: '/webhooks/starship',
    emptyPostPath: '/webhooks/starship',
    encodedPath: '/webhooks/starship%20rewards',
    body: STARSHIP_DELIVERED,
    body2: STARSHIP_CREATED,
  },
  'istar-webhook': {
    headers: { 'X-iStar-Event': 'order.completed', 'X-iStar-Delivery': 'dlv_test_0001' },
    getPath: '/webhooks/istar',
    postPath: '/webhooks/istar',
    emptyPostPath: '/webhooks/istar',
    encodedPath: '/webhooks/i%20star',
    body: ISTAR_COMPLETED,
    body2: ISTAR_FAILED,
  },
  'sirgiving-hmac': {
    headers: { 'X-Partner-Key': `sk_test_${'a1'.repeat(32)}` },
    getPath: '/api/v1/transactions',
    postPath: '/api/v1/actions',
    emptyPostPath: '/api/v1/actions/65f1c0ffee0000000000abcd/reversal',
    encodedPath: '/api/v1/nonprofits/caf%C3%A9-de-paris',
    body: '{"stakeholderTypeCode":"DONOR","externalUserId":"user_42","amount":25,"currency":"USD"}',
    body2: ORDER,
  },
  'sirgiving-webhook': {
    headers: { 'X-SIR-Event': 'partner.status_changed', 'X-SIR-Delivery': 'dlv_test_0001' },
    getPath: '/webhooks/sirgiving',
    postPath: '/webhooks/sirgiving',
    emptyPostPath: '/webhooks/sirgiving',
    encodedPath: '/webhooks/sir%20giving',
    body: '{"event":"partner.status_changed","data":{"status":"ACTIVE","previousStatus":"PENDING_APPROVAL"}}',
    body2: '{"event":"api_key.expiring","data":{"keyId":"65f1c0ffee0000000000abcd","expiresAt":"2026-05-01T00:00:00Z"}}',
  },
  'odm-ed25519': {
    headers: { 'X-API-Key': 'odm_test_api_key_DO_NOT_USE' },
    getPath: '/partner/v1/vouchers',
    postPath: '/partner/v1/vouchers',
    emptyPostPath: '/partner/v1/vouchers/vch_test_0001/cancel',
    encodedPath: '/partner/v1/vouchers/vch%2Ftest%200001',
    body: '{"product_code":"GIFT-500","amount":500,"currency":"THB","recipient":{"phone":"+66800000000"}}',
    body2: ORDER,
  },
  'odm-callback': {
    headers: { 'X-ODM-Event': 'voucher.claimed', 'X-ODM-Delivery': 'dlv_test_0001' },
    getPath: '/callbacks/odm',
    postPath: '/callbacks/odm',
    emptyPostPath: '/callbacks/odm',
    encodedPath: '/callbacks/o%20d%20m',
    body: '{"event":"voucher.claimed","data":{"voucher_id":"vch_test_0001","claim_id":"clm_test_0001","claimed_at":"2025-04-14T15:59:30Z"}}',
    body2: '{"event":"voucher.issued","data":{"voucher_id":"vch_test_0002","issued_at":"2025-04-14T15:58:00Z"}}',
  },
};

export const UNICODE_BODY = '{"note":"Café — 🎁 ギフト","name":"Zoë Ångström","emoji":"👩🏽‍💻"}';

/** All 256 byte values: not valid UTF-8, so it travels as base64 in the vector. */
export const BINARY_BODY = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
