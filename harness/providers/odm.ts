/** What the harness needs to know about ODM beyond its spec (data only, read by the checks through harness/registry.ts). */
import type { BehaviourDeclaration, FlowDeclaration, FlowScope, FlowStep, IdempotencyRecipe, ProviderHarness, RateLimitRecipe, WebhookDeclaration } from '../declarations.ts';
import { verifyOdmWebhook } from '../../generated/odm/webhooks.ts';

/** idempotency_*: issueVoucher works from the spec's example (list: GET /partner/v1/vouchers, X-Total-Count). */
export const IDEMPOTENCY_RECIPES: Record<string, IdempotencyRecipe> = {
  cancelVoucher: {
    before: [{ name: 'voucher', operation: 'issueVoucher' }],
    input: { path: { voucherId: '$steps.voucher.body#/voucher_id' } },
    list: null, // a cancellation changes a voucher's status, it adds nothing to a list
  },
  // A claim needs a validation of a live voucher and the OTP texted to its owner (read from the
  // sandbox control API): issue → validate (merchant) → OTP → claim (merchant).
  createClaim: {
    role: 'merchant',
    before: [
      { name: 'voucher', operation: 'issueVoucher' },
      { name: 'validation', operation: 'validateVoucher', role: 'merchant', body: { code: '$steps.voucher.body#/code' } },
      { name: 'otp', control: { method: 'GET', path: '/otp', query: { validation_id: '$steps.validation.body#/validation_id' } } },
    ],
    input: { body: { validation_id: '$steps.validation.body#/validation_id', otp: '$steps.otp.body#/otp' } },
    list: null, // ODM has no list of claims
  },
};

/**
 * rate_limit: `otp` (60/60 s) is exhausted with validateVoucher on the merchant key (the example
 * code names no voucher, so no OTP is texted; the limiter counts the call); `default` (600/60 s)
 * is beyond the bound. ODM documents no limits (D12): the check runs only against accord's sandbox.
 */
export const RATE_LIMIT_RECIPES: Record<string, RateLimitRecipe> = {
  otp: { operationId: 'validateVoucher', role: 'merchant' },
};

const VOUCHER_ID = '$steps.issue.body#/voucher_id';
const VALIDATION_ID = '$steps.validate.body#/validation_id';
const issueStep: FlowStep = {
  name: 'issue',
  operation: 'issueVoucher',
  body: { amount: 5000, currency: 'USD', owner: { phone: '+12025550143', name: 'Accord Check' }, reference: 'accord-flow-{$unique}' },
  codes: ['/code'],
  expect: { status: 201, that: [{ pointer: '/code', exists: true }, { pointer: '/status', equals: 'active' }, { pointer: '/balance', equals: 5000 }] },
};

/**
 * flows: a voucher from issue to claim — the partner issues it (the only response with its code,
 * D15), a merchant validates the code, the owner's OTP is read from the sandbox control API's
 * test-only route (it is texted to a phone otherwise), the merchant claims the whole balance and
 * the partner sees the voucher claimed.
 */
const redemptionFlow: FlowDeclaration = {
  name: 'redemption',
  summary: 'issue voucher (partner) → validate (merchant) → OTP → claim → voucher claimed; the code only in the issue response',
  control: 'the OTP is texted to the voucher owner; only the sandbox control API’s test-only GET /otp reads it',
  steps: [
    issueStep,
    {
      name: 'validate',
      operation: 'validateVoucher',
      role: 'merchant',
      body: { code: '$steps.issue.body#/code' },
      expect: { status: 200, that: [{ pointer: '/validation_id', exists: true }, { pointer: '/voucher/voucher_id', equals: VOUCHER_ID }, { pointer: '/voucher/balance', equals: 5000 }] },
    },
    { name: 'otp', control: { method: 'GET', path: '/otp', query: { validation_id: VALIDATION_ID } }, expect: { status: 200, that: [{ pointer: '/otp', exists: true }] } },
    {
      name: 'claim',
      operation: 'createClaim',
      role: 'merchant',
      body: { validation_id: VALIDATION_ID, otp: '$steps.otp.body#/otp', reference: 'accord-flow-{$unique}' },
      expect: { status: 201, that: [{ pointer: '/voucher_id', equals: VOUCHER_ID }, { pointer: '/amount', equals: 5000 }, { pointer: '/remaining_balance', equals: 0 }] },
    },
    { name: 'claimed', operation: 'getVoucher', path: { voucherId: VOUCHER_ID }, expect: { status: 200, that: [{ pointer: '/status', equals: 'claimed' }, { pointer: '/balance', equals: 0 }] } },
  ],
};

export const FLOWS: readonly FlowDeclaration[] = [redemptionFlow];

/** webhooks trigger: a voucher issued and cancelled (voucher.issued, voucher.cancelled). */
const cancelFlow: FlowDeclaration = {
  name: 'cancellation',
  summary: 'issue a voucher and cancel it',
  steps: [issueStep, { name: 'cancel', operation: 'cancelVoucher', path: { voucherId: VOUCHER_ID }, expect: { status: 200, that: [{ pointer: '/status', equals: 'cancelled' }] } }],
};

/**
 * webhooks: the callback URL is set in the partner portal (D18), so the sandbox control API
 * registers the receiver for the default partner; ODM signs every callback with its platform
 * Ed25519 key, verified with the public key the credentials file carries (D22).
 */
export const WEBHOOKS: WebhookDeclaration = {
  control: { owner: '$credentials.default.extra.owner', why: 'the callback URL is set in the partner portal' },
  key: { publicKey: '$credentials.default.extra.callbackPublicKey' },
  eventId: { pointer: '/event_id' },
  verify: verifyOdmWebhook,
  triggers: [
    { flow: redemptionFlow, events: ['voucher.issued', 'voucher.claimed'] },
    { flow: cancelFlow, events: ['voucher.issued', 'voucher.cancelled'] },
  ],
};

/** negative_data, fuzz: the role each operation is called with when not `default` (the merchant API takes merchant keys). */
export const GENERATED_INPUT_ROLES: Record<string, string> = {
  validateVoucher: 'merchant',
  resendOtp: 'merchant',
  createClaim: 'merchant',
  getClaim: 'merchant',
};

const validateStep: FlowStep = { name: 'validate', operation: 'validateVoucher', role: 'merchant', body: { code: '$steps.issue.body#/code' }, expect: { status: 200 } };
const otpStep: FlowStep = { name: 'otp', control: { method: 'GET', path: '/otp', query: { validation_id: VALIDATION_ID } }, expect: { status: 200, that: [{ pointer: '/otp', exists: true }] } };
const realOtp = (s: FlowScope) => String((s.steps.otp!.body as { otp: string }).otp);

/** business_negative: a claim with an OTP that is not the one texted is refused (422 OTP_INVALID, D20) and claims nothing. */
const wrongOtpFlow: FlowDeclaration = {
  name: 'wrong OTP',
  summary: 'issue → validate → claim with another OTP than the one texted: refused, the voucher untouched',
  control: 'the OTP is texted to the voucher owner; only the sandbox control API’s test-only GET /otp reads it (to send another)',
  steps: [
    issueStep,
    validateStep,
    otpStep,
    {
      name: 'claimWrongOtp',
      operation: 'createClaim',
      role: 'merchant',
      body: { validation_id: VALIDATION_ID, otp: (s: FlowScope) => (realOtp(s) === '000000' ? '111111' : '000000') },
      expect: { status: 422, code: 'OTP_INVALID' },
    },
    { name: 'untouched', operation: 'getVoucher', path: { voucherId: VOUCHER_ID }, expect: { status: 200, that: [{ pointer: '/status', equals: 'active' }, { pointer: '/balance', equals: 5000 }] } },
  ],
};

/** business_negative: a validation is used by one claim; a second claim with it is 422 VALIDATION_ALREADY_USED (D20) and claims nothing. */
const claimedTwiceFlow: FlowDeclaration = {
  name: 'validation claimed twice',
  summary: 'issue → validate → claim 2000 → claim 2000 again with the same validation: refused, one claim booked',
  control: 'the OTP is texted to the voucher owner; only the sandbox control API’s test-only GET /otp reads it',
  steps: [
    issueStep,
    validateStep,
    otpStep,
    { name: 'claim', operation: 'createClaim', role: 'merchant', body: { validation_id: VALIDATION_ID, otp: '$steps.otp.body#/otp', amount: 2000 }, expect: { status: 201, that: [{ pointer: '/remaining_balance', equals: 3000 }] } },
    { name: 'claimAgain', operation: 'createClaim', role: 'merchant', body: { validation_id: VALIDATION_ID, otp: '$steps.otp.body#/otp', amount: 2000 }, expect: { status: 422, code: 'VALIDATION_ALREADY_USED' } },
    { name: 'claimedOnce', operation: 'getVoucher', path: { voucherId: VOUCHER_ID }, expect: { status: 200, that: [{ pointer: '/balance', equals: 3000 }] } },
  ],
};

/** The behaviour checks' declarations (harness/declarations.ts), read through harness/registry.ts. */
export const BEHAVIOUR: BehaviourDeclaration = {
  negativeFlows: [wrongOtpFlow, claimedTwiceFlow],
  // D10: 8 to 256 printable ASCII characters; malformed → 400 VALIDATION_ERROR (createClaim: D11, the same rules).
  keyBounds: { refusal: { status: 400, code: 'VALIDATION_ERROR' }, source: 'D10', roles: { createClaim: 'merchant' } },
  // D10: "same key + anything else → 409 IDEMPOTENCY_KEY_REUSED" (the method, path and body make the request).
  scopeFlows: [
    {
      name: 'one key, two vouchers',
      summary: 'issue two vouchers; cancel the first under a key, then the second under the same key',
      steps: [
        { ...issueStep, name: 'first' },
        { ...issueStep, name: 'second', body: { ...(issueStep.body as object), reference: 'accord-scope-{$unique}-2' } },
        { name: 'cancelFirst', operation: 'cancelVoucher', path: { voucherId: '$steps.first.body#/voucher_id' }, headers: { 'Idempotency-Key': 'accord-scope-{$unique}' }, expect: { status: 200, that: [{ pointer: '/status', equals: 'cancelled' }] } },
        { name: 'cancelSecond', operation: 'cancelVoucher', path: { voucherId: '$steps.second.body#/voucher_id' }, headers: { 'Idempotency-Key': 'accord-scope-{$unique}' }, expect: { status: 409, code: 'IDEMPOTENCY_KEY_REUSED' } },
        { name: 'secondUnchanged', operation: 'getVoucher', path: { voucherId: '$steps.second.body#/voucher_id' }, expect: { status: 200, that: [{ pointer: '/status', equals: 'active' }] } },
      ],
    },
  ],
  // D5: every error is {"error": {"code", "message", "request_id"}}, the same value as X-Request-Id.
  errorRequestId: {
    calls: [
      { operationId: 'getVoucher', input: { path: { voucherId: 'vch_accord_no_such_voucher' } } },
      { operationId: 'issueVoucher', input: { body: { amount: -1 } } },
    ],
    pointer: '/error/request_id',
    header: 'X-Request-Id',
    source: 'D5: error.request_id is the X-Request-Id of the answer',
  },
  // D17: X-Page, X-Per-Page, X-Total-Count, X-Total-Pages, X-Has-More on GET /partner/v1/vouchers.
  pagination: [{ operationId: 'listVouchers', items: 'data', input: { query: {} } }],
  credentials: {
    probe: { operationId: 'getApiAccess' },
    roles: [{ role: 'rotated', expect: { status: 401, code: 'API_KEY_INVALID' }, source: 'D3: no overlap window, a rotated key is no longer valid' }],
  },
};

/** Everything above, as the registry (harness/registry.ts) holds it. */
export const ODM: ProviderHarness = { generatedInputRoles: GENERATED_INPUT_ROLES, flows: FLOWS, webhooks: WEBHOOKS, idempotency: IDEMPOTENCY_RECIPES, rateLimit: RATE_LIMIT_RECIPES, behaviour: BEHAVIOUR };
