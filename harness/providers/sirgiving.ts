/** What the harness needs to know about SIR Giving beyond its spec (data only, read by the checks through harness/registry.ts). */
import type { BehaviourDeclaration, FlowDeclaration, FlowScope, IdempotencyRecipe, ProviderHarness, RateLimitRecipe, WebhookDeclaration } from '../declarations.ts';
import { verifySirGivingWebhook } from '../../generated/sirgiving/webhooks.ts';

/** idempotency_*: each action and each reversal books one transaction (GET /transactions, pagination.total). */
export const IDEMPOTENCY_RECIPES: Record<string, IdempotencyRecipe> = {
  submitAction: { list: { operationId: 'listTransactions' } },
  reverseAction: {
    before: [{ name: 'action', operation: 'submitAction' }],
    input: { path: { actionId: '$steps.action.body#/id' } },
    list: { operationId: 'listTransactions' },
  },
};

/**
 * rate_limit: `partner` (burst 100/60 s for the default STANDARD key) uses GET /partner/config;
 * `admin` has only writes, so it repeats a PATCH of a partner id that does not exist (404, no change).
 */
export const RATE_LIMIT_RECIPES: Record<string, RateLimitRecipe> = {
  admin: { operationId: 'updatePartner', role: 'admin', input: { path: { partnerId: '000000000000000000000000' } } },
};

const ACTION_ID = '$steps.action.body#/id';
const poolBefore = (s: FlowScope, field: 'available' | 'drawn') => (s.steps.poolBefore!.body as Record<string, number>)[field]!;
const tokens = (s: FlowScope) => (s.steps.action!.body as { tokens: number }).tokens;

/**
 * flows: a reward action draws its tokens from the pool, its reversal returns every one of them
 * (D17); a second reversal is 409 ACTION_ALREADY_REVERSED.
 */
const reversalFlow: FlowDeclaration = {
  name: 'action reversal',
  summary: 'action → reversal: the token pool is drawn, then restored; a second reversal is refused',
  steps: [
    { name: 'poolBefore', operation: 'getTokenPool', expect: { status: 200 } },
    {
      name: 'action',
      operation: 'submitAction',
      body: { stakeholderTypeCode: 'VOLUNTEER_HOUR', tokens: 50, externalUserId: 'accord-flow-{$unique}' },
      expect: { status: 201, that: [{ pointer: '/id', exists: true }, { pointer: '/status', equals: 'COMPLETED' }, { pointer: '/tokens', equals: 50 }] },
    },
    {
      name: 'poolDrawn',
      operation: 'getTokenPool',
      expect: { status: 200, that: [{ pointer: '/available', equals: (s: FlowScope) => poolBefore(s, 'available') - tokens(s) }, { pointer: '/drawn', equals: (s: FlowScope) => poolBefore(s, 'drawn') + tokens(s) }] },
    },
    {
      name: 'reversal',
      operation: 'reverseAction',
      path: { actionId: ACTION_ID },
      body: { reason: 'accord flows check' },
      expect: { status: 200, that: [{ pointer: '/id', equals: ACTION_ID }, { pointer: '/status', equals: 'REVERSED' }, { pointer: '/reversal/tokensReturned', equals: '$steps.action.body#/tokens' }] },
    },
    {
      name: 'poolRestored',
      operation: 'getTokenPool',
      expect: { status: 200, that: [{ pointer: '/available', equals: '$steps.poolBefore.body#/available' }, { pointer: '/drawn', equals: '$steps.poolBefore.body#/drawn' }] },
    },
    { name: 'read', operation: 'getAction', path: { actionId: ACTION_ID }, expect: { status: 200, that: [{ pointer: '/status', equals: 'REVERSED' }] } },
    { name: 'again', operation: 'reverseAction', path: { actionId: ACTION_ID }, body: { reason: 'accord flows check (twice)' }, expect: { status: 409, code: 'ACTION_ALREADY_REVERSED' } },
  ],
};

export const FLOWS: readonly FlowDeclaration[] = [reversalFlow];

/**
 * The webhook tests work on the `pending` partner (PENDING_APPROVAL, one key pair): its events are
 * signed with that pair's HMAC secret, unambiguously, and nothing the other checks use changes.
 * (Acme, the default partner, has several active test pairs; which one signs is not documented.)
 */
const PARTNER = '$credentials.pending.extra.partnerId';

/** webhooks trigger: an admin deactivates the partner and puts it back (two partner.status_changed, D11). */
const statusFlow: FlowDeclaration = {
  name: 'partner status change',
  summary: 'an admin moves the partner to DEACTIVATED and back to PENDING_APPROVAL',
  steps: [
    { name: 'deactivate', operation: 'updatePartner', role: 'admin', path: { partnerId: PARTNER }, body: { status: 'DEACTIVATED' }, expect: { status: 200, that: [{ pointer: '/status', equals: 'DEACTIVATED' }] } },
    { name: 'restore', operation: 'updatePartner', role: 'admin', path: { partnerId: PARTNER }, body: { status: 'PENDING_APPROVAL' }, expect: { status: 200, that: [{ pointer: '/status', equals: 'PENDING_APPROVAL' }] } },
  ],
  cleanup: [{ name: 'status', operation: 'updatePartner', role: 'admin', path: { partnerId: PARTNER }, body: { status: 'PENDING_APPROVAL' } }],
};

/**
 * webhooks trigger: an admin issues a live pair expiring in a day, inside the 14-day warning
 * (api_key.expiring, D12). A live pair, so the partner's test pair keeps signing; revoked after.
 */
const expiringFlow: FlowDeclaration = {
  name: 'key pair expiring',
  summary: 'an admin issues a key pair that expires tomorrow (revoked once the warning is in)',
  steps: [
    {
      name: 'generate',
      operation: 'generatePartnerKeys',
      role: 'admin',
      path: { partnerId: PARTNER },
      body: { environment: 'live', expiresAt: (s: FlowScope) => new Date((s.vars.nowMs as number) + 24 * 3600 * 1000).toISOString() },
      secrets: ['/secretKey', '/hmacSecret', '/publishableKey'],
      expect: { status: 201, that: [{ pointer: '/keyId', exists: true }] },
    },
  ],
  cleanup: [{ name: 'revoke', operation: 'revokePartnerKeys', role: 'admin', path: { partnerId: PARTNER, keyId: '$steps.generate.body#/keyId' } }],
};

/**
 * webhooks: POST /webhooks takes https URLs only (D15) and registers for the caller's own partner,
 * so the local receiver is added through the control API for the `pending` partner; every
 * delivery is signed with that partner's HMAC secret (D13).
 */
export const WEBHOOKS: WebhookDeclaration = {
  control: { owner: PARTNER, why: 'POST /webhooks takes https URLs only, for the caller’s own partner' },
  key: { secret: '$credentials.pending.signing.secret' },
  eventId: { pointer: '/id' },
  verify: verifySirGivingWebhook,
  triggers: [
    { flow: statusFlow, events: ['partner.status_changed'] },
    { flow: expiringFlow, events: ['api_key.expiring'] },
  ],
};

/** negative_data, fuzz: the role each operation is called with when not `default` (/admin/* takes the admin bearer token). */
export const GENERATED_INPUT_ROLES: Record<string, string> = {
  updatePartner: 'admin',
  generatePartnerKeys: 'admin',
  revokePartnerKeys: 'admin',
  rotatePartnerKeys: 'admin',
};

/** The behaviour checks' declarations (harness/declarations.ts), read through harness/registry.ts. */
export const BEHAVIOUR: BehaviourDeclaration = {
  // D9: a malformed key → 400 INVALID_IDEMPOTENCY_KEY.
  keyBounds: { refusal: { status: 400, code: 'INVALID_IDEMPOTENCY_KEY' }, source: 'D9' },
  // D9: same key + different request → 409 IDEMPOTENCY_CONFLICT (the action in the path is part of the request).
  scopeFlows: [
    {
      name: 'one key, two actions',
      summary: 'two actions; reverse the first under a key, then the second under the same key',
      steps: [
        { name: 'first', operation: 'submitAction', body: { stakeholderTypeCode: 'VOLUNTEER_HOUR', tokens: 5, externalUserId: 'accord-scope-{$unique}' }, expect: { status: 201 } },
        { name: 'second', operation: 'submitAction', body: { stakeholderTypeCode: 'VOLUNTEER_HOUR', tokens: 5, externalUserId: 'accord-scope-{$unique}' }, expect: { status: 201 } },
        { name: 'reverseFirst', operation: 'reverseAction', path: { actionId: '$steps.first.body#/id' }, headers: { 'Idempotency-Key': 'accord-scope-{$unique}' }, body: { reason: 'accord idempotency_scope' }, expect: { status: 200, that: [{ pointer: '/status', equals: 'REVERSED' }] } },
        { name: 'reverseSecond', operation: 'reverseAction', path: { actionId: '$steps.second.body#/id' }, headers: { 'Idempotency-Key': 'accord-scope-{$unique}' }, body: { reason: 'accord idempotency_scope' }, expect: { status: 409, code: 'IDEMPOTENCY_CONFLICT' } },
        { name: 'secondUnchanged', operation: 'getAction', path: { actionId: '$steps.second.body#/id' }, expect: { status: 200, that: [{ pointer: '/status', equals: 'COMPLETED' }] } },
      ],
      // The tokens go back to the pool.
      cleanup: [{ name: 'reverseSecond', operation: 'reverseAction', path: { actionId: '$steps.second.body#/id' }, body: { reason: 'accord idempotency_scope cleanup' } }],
    },
  ],
  // "X-RateLimit-Remaining (requests left in the window) and X-RateLimit-Reset (unix timestamp when
  // the window resets)" on every response; the headers describe the hourly window (D8).
  rateLimitHeaders: { operationId: 'getTokenPool', windowSeconds: 3600 },
  credentials: {
    probe: { operationId: 'getTokenPool' },
    roles: [
      { role: 'revoked', expect: { status: 401, code: 'API_KEY_REVOKED' }, source: 'D12' },
      { role: 'expired', expect: { status: 401, code: 'API_KEY_EXPIRED' }, source: 'D12 (expiresAt)' },
      { role: 'suspended', expect: { status: 401, code: 'PARTNER_SUSPENDED' }, source: 'sirgiving-onboarding.txt: SUSPENDED — all calls return 401 PARTNER_SUSPENDED' },
      { role: 'pending', expect: { status: 401, code: 'PARTNER_NOT_ACTIVE' }, source: 'sirgiving-onboarding.txt: other non-ACTIVE states return 401 PARTNER_NOT_ACTIVE' },
    ],
  },
};

/** Everything above, as the registry (harness/registry.ts) holds it. */
export const SIRGIVING: ProviderHarness = { generatedInputRoles: GENERATED_INPUT_ROLES, flows: FLOWS, webhooks: WEBHOOKS, idempotency: IDEMPOTENCY_RECIPES, rateLimit: RATE_LIMIT_RECIPES, behaviour: BEHAVIOUR };
