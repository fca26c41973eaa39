/**
 * What Dredd's hooks need to know about each provider, as data (harness/dredd/hooks.cjs reads it).
 *
 * Dredd sends each operation's first documented request example and compares the answer with the
 * first example of its lowest 2xx response. The examples are the spec's, so the ids they name do
 * not exist in a fresh sandbox: the hooks take real ids from earlier answers (`captures`), put
 * them into later requests (`inputs`), and set up state the examples assume (`before`: a call to
 * the API itself, or to the sandbox control API when the credentials file has a controlUrl).
 */

/** Where a value comes from. */
export type DreddSource =
  /** A value captured from an earlier answer. */
  | { stash: string }
  /** A field of a role's `extra` in the credentials file: `merchant.sampleVoucherCode`. */
  | { extra: string }
  /** A fresh value for each run: the prefix and a random suffix. */
  | { unique: string }
  /** A constant. */
  | { value: unknown };

export interface DreddInputs {
  /** Path parameters by name. */
  path?: Record<string, DreddSource>;
  /** Request body fields by JSON pointer (`/items/1/product_id`). */
  body?: Record<string, DreddSource>;
}

export type DreddStep =
  /** A call to the implementation's own API, signed like every transaction. */
  | { operation: string; body?: unknown; path?: Record<string, DreddSource>; capture?: Record<string, string> }
  /** A call to accord's sandbox control API (`/_accord…`); `{name}` in the path is a stashed value. */
  | { control: string; method?: 'GET' | 'POST'; body?: unknown; capture?: Record<string, string> };

export interface DreddProvider {
  /** Roles that call some operations (first match wins); the rest use the first role whose credentials meet the operation's security, `default` first. */
  roles?: Array<{ role: string; pathPrefix?: string; operations?: string[] }>;
  /** After an operation's transaction: stash name ← JSON pointer into its response body. */
  captures?: Record<string, Record<string, string>>;
  inputs?: Record<string, DreddInputs>;
  /** Calls made before an operation's transaction. */
  before?: Record<string, DreddStep[]>;
  /** Operations Dredd does not run, with the reason. */
  skip?: Record<string, string>;
}

/** Webhook endpoints registered by Dredd point at a closed local port: no delivery leaves the machine. */
const NOWHERE = 'https://127.0.0.1:9/accord-dredd';

export const DREDD_PROVIDERS: Record<string, DreddProvider> = {
  starship: {
    captures: {
      createOrder: { orderId: '/order_id' },
      createPayout: { payoutId: '/payout_id' },
      createWebhookEndpoint: { webhookId: '/webhook_id' },
    },
    before: {
      // The example cancels a PENDING order: google-play-100 is not in the cache, so it waits for a vendor.
      cancelOrder: [{ operation: 'createOrder', body: { product_id: 'google-play-100', quantity: 2 }, capture: { pendingOrderId: '/order_id' } }],
    },
    inputs: {
      getOrder: { path: { order_id: { stash: 'orderId' } } },
      getOrderVouchers: { path: { order_id: { stash: 'orderId' } } },
      cancelOrder: { path: { order_id: { stash: 'pendingOrderId' } } },
      getPayout: { path: { payout_id: { stash: 'payoutId' } } },
      createWebhookEndpoint: { body: { '/url': { value: NOWHERE } } },
      deleteWebhookEndpoint: { path: { webhook_id: { stash: 'webhookId' } } },
    },
  },
  istar: {},
  sirgiving: {
    captures: {
      submitAction: { actionId: '/id' },
      registerWebhook: { webhookId: '/id' },
      generatePartnerKeys: { newKeyId: '/keyId' },
    },
    before: {
      // The getAction example is a value-denominated action with metadata (the second submitAction example).
      getAction: [{ operation: 'submitAction', body: { stakeholderTypeCode: 'DONATION_MATCH', value: { amount: '10.00', currency: 'USD' }, externalUserId: 'user-8842', metadata: { shiftId: 'shift-2026-001' } }, capture: { valueActionId: '/id' } }],
    },
    inputs: {
      // The first request example has no suggested amount; the response example has one.
      createDonationLink: { body: { '/suggestedAmount': { value: { amount: '25.00', currency: 'USD' } }, '/metadata': { value: { source: 'checkout-widget' } } } },
      getAction: { path: { actionId: { stash: 'valueActionId' } } },
      reverseAction: { path: { actionId: { stash: 'actionId' } } },
      createUser: { body: { '/externalId': { unique: 'accord-dredd-' } } },
      registerWebhook: { body: { '/url': { value: NOWHERE } } },
      deleteWebhook: { path: { webhookId: { stash: 'webhookId' } } },
      updatePartner: { path: { partnerId: { extra: 'admin.partnerId' } } },
      generatePartnerKeys: { path: { partnerId: { extra: 'admin.partnerId' } } },
      revokePartnerKeys: { path: { partnerId: { extra: 'admin.partnerId' }, keyId: { stash: 'newKeyId' } } },
      // Rotation leaves the old pair active, so the default key keeps working.
      rotatePartnerKeys: { path: { partnerId: { extra: 'admin.partnerId' }, keyId: { extra: 'default.keyId' } } },
    },
  },
  odm: {
    roles: [{ role: 'merchant', pathPrefix: '/merchant/' }],
    captures: {
      issueVoucher: { voucherId: '/voucher_id' },
      validateVoucher: { validationId: '/validation_id' },
      createClaim: { claimId: '/claim_id' },
    },
    before: {
      // One resend per 60 s: the owner waits a minute on the sandbox's clock.
      resendOtp: [{ control: '/clock/advance', method: 'POST', body: { seconds: 61 } }],
      // The owner reads the OTP from the text message.
      createClaim: [{ control: '/otp?validation_id={validationId}', capture: { otp: '/otp' } }],
    },
    inputs: {
      getVoucher: { path: { voucherId: { stash: 'voucherId' } } },
      cancelVoucher: { path: { voucherId: { stash: 'voucherId' } } },
      validateVoucher: { body: { '/code': { extra: 'merchant.sampleVoucherCode' } } },
      resendOtp: { path: { validationId: { stash: 'validationId' } } },
      createClaim: { body: { '/validation_id': { stash: 'validationId' }, '/otp': { stash: 'otp' } } },
      getClaim: { path: { claimId: { stash: 'claimId' } } },
    },
  },
};
