/**
 * The shapes of per-provider harness declarations (harness/providers/<provider>.ts): flows, webhook
 * triggers, recipes for the idempotency and rate-limit checks, state to restore before a run.
 * Types only: the providers' data imports these, the checks read that data through harness/registry.ts,
 * and nothing here imports a check (no import circle between harness/checks/ and harness/providers/).
 */
import type { VerifiedWebhook, WebhookInput } from '../runtime/webhooks.ts';
import type { SandboxCredential } from '../sandbox/provider.ts';
import type { CallInput } from './http.ts';

// ---------------------------------------------------------------------------------------------
// Steps and flows (run by the one step engine, harness/checks/steps.ts)


/**
 * A value in a declaration: JSON in which a string starting with `$` is an expression, `{$…}`
 * inside a string is replaced by the expression's text, and a function computes the value from
 * the flow's scope (for arithmetic). Expressions:
 * - `$steps.<step>.body#/json/pointer`, `$steps.<step>.status`, `$steps.<step>.header.<name>`,
 *   `$steps.<step>.request.path.<name>` (also `.query.<name>`, `.body#/pointer`);
 * - `$credentials.<role>.<field>…` (e.g. `$credentials.default.extra.partnerId`);
 * - `$vars.<name>` (set by the caller: the webhook receiver's URL, a generated secret, `nowMs`);
 * - `$unique`: a fresh token per flow run (references, external ids).
 * Pointers accept `*` (every element) and `[key=value]` (the first array element whose `key` is
 * `value`), e.g. `/data/[available=true]/product_id`.
 */
export type Value = unknown;

export type Assertion =
  | { pointer: string; equals: Value }
  | { pointer: string; oneOf: readonly Value[] }
  /** With `*` in the pointer: false means no match anywhere. */
  | { pointer: string; exists: boolean }
  /** Array length; the value may be a number or an array (its length). */
  | { pointer: string; count: Value }
  /** The array holds an element with these fields. */
  | { pointer: string; contains: Record<string, Value> };

export interface StepExpectation {
  /** One status or several; default: any documented 2xx. */
  status?: number | readonly number[];
  /** The provider's error code (`code` at the top of the error body or one level down). */
  code?: string;
  that?: readonly Assertion[];
}

export interface ControlCall {
  method: 'GET' | 'POST';
  /** Path under the control URL, e.g. `/otp`. */
  path: string;
  query?: Record<string, Value>;
  body?: Value;
}

export interface FlowStep {
  /** How later steps refer to this one (`$steps.<name>…`). */
  name: string;
  /** operationId; inputs not declared come from the spec's examples. */
  operation?: string;
  /** Instead of an operation: a call to the sandbox control API (the flow is skipped without one). */
  control?: ControlCall;
  /** Credential role, default `default`; several: the first one the credentials file has. The flow is skipped when it has none. */
  role?: string | readonly string[];
  /** Merged over the example's path, query and header parameters. */
  path?: Record<string, Value>;
  query?: Record<string, Value>;
  headers?: Record<string, Value>;
  /** Replaces the example body. */
  body?: Value;
  expect?: StepExpectation;
  /** Pointers to voucher codes in this step's response: they must appear in no other response (nor webhook). */
  codes?: readonly string[];
  /** Pointers to secrets in this step's response (a webhook secret, a new key): redacted from every exchange the check records. */
  secrets?: readonly string[];
  /** Repeat the step until the pointer holds one of the values (asynchronous state): business time is advanced through the control API, or real time waited. */
  until?: { pointer: string; oneOf: readonly Value[]; advanceSeconds?: number };
}

export interface FlowDeclaration {
  name: string;
  /** One line: what the flow proves. */
  summary: string;
  steps: readonly FlowStep[];
  /** Always run after the steps, even when one failed (undo what the flow changed). */
  cleanup?: readonly FlowStep[];
  /** Why the flow needs the control API: its skip reason when the target has none. */
  control?: string;
}

export interface StepResult {
  status: number;
  body: unknown;
  text: string;
  /** Lower-cased names. */
  headers: Record<string, string>;
  request: { path: Record<string, unknown>; query: Record<string, unknown>; body: unknown };
}

export interface FlowScope {
  steps: Record<string, StepResult>;
  credentials: Record<string, SandboxCredential>;
  vars: Record<string, unknown>;
  /** Codes collected from steps that declare them, with the step that carried each. */
  codes: Map<string, string>;
  /** Secrets seen during the flow (not in the credentials file): redacted from recorded exchanges. */
  secrets: Set<string>;
}

// ---------------------------------------------------------------------------------------------
// Webhooks (harness/checks/webhooks.ts)

export interface WebhookTrigger {
  flow: FlowDeclaration;
  /** Events the flow makes the implementation send (expected only when the flow ran and passed). */
  events: readonly string[];
}

export interface WebhookDeclaration {
  /** Registration through the provider's API. */
  api?: {
    /** The registration call, named `register`; `$vars.url` is the URL to register, `$vars.events` every event of the spec. */
    register: FlowStep;
    /** The API refuses plain http: a local receiver needs a public https URL (ACCORD_WEBHOOK_PUBLIC_URL) or `reroute`. */
    httpsOnly?: boolean;
    /** What to register when `reroute` will point the endpoint at the local receiver. */
    placeholderUrl?: string;
    /** Control API call pointing the registered endpoint's deliveries at `$vars.receiverUrl` (a sandbox tunnel). */
    reroute?: ControlCall;
    /** Removes the endpoint afterwards. */
    remove?: FlowStep;
  };
  /** Registration through the sandbox control API (POST /_accord/webhook-endpoints): dashboard-configured providers. */
  control?: {
    /** The account whose events the endpoint receives. */
    owner?: Value;
    /** Configure a generated signing secret (`$vars.secret`) with the endpoint. */
    secret?: boolean;
    /** Why only the control API can register the receiver (the skip reason without one). */
    why: string;
  };
  /** What verifies deliveries: an HMAC secret or the provider's public key (values in the flow scope). */
  key: { secret: Value } | { publicKey: Value };
  /** Where a delivery carries its event id: a pointer into the payload or a header. */
  eventId: { pointer: string } | { header: string };
  /** The provider's generated verifier (generated/<provider>/webhooks.ts). */
  verify: (input: WebhookInput) => VerifiedWebhook;
  /** What makes the implementation send events, in order, sharing one scope. */
  triggers: readonly WebhookTrigger[];
}

// ---------------------------------------------------------------------------------------------
// Recipes: how the idempotency and rate-limit checks reach an operation that does something

/** An operation called with the spec's example inputs, overridden key by key (no expressions: a list to count). */
export interface RecipeCall {
  operationId: string;
  /** Credential role; default: `default` when it can authenticate the operation, else the first role that can. */
  role?: string;
  /** Replaces the spec example's inputs: path, query and headers key by key, an object body key by key (top level), any other body whole. */
  input?: CallInput;
}

export interface OperationRecipe {
  role?: string;
  /**
   * Laid over the spec example's inputs (as RecipeCall.input); strings may be step expressions
   * (`$steps.<step>.body#/pointer`, see Value) reading what the `before` steps answered.
   */
  input?: CallInput;
  /** Flow steps that create what the operation needs (operations and control calls), in order; each must succeed. */
  before?: readonly FlowStep[];
  /** The check does not apply to this operation, and why. */
  skip?: string;
}

/** What the idempotency checks need to know about one idempotent operation (harness/providers/<provider>.ts). */
export interface IdempotencyRecipe extends OperationRecipe {
  /** Another valid body for the same key (idempotency_conflict), laid over the request's body; default: one field of the body changed, validated against the schema. */
  conflictBody?: unknown;
  /** The list that shows what one execution creates (one more item each time); null: the operation creates nothing listable. Default: the GET on the same path, when there is one. */
  list?: RecipeCall | null;
}

/** How the rate_limit check exhausts one rate-limit class (harness/providers/<provider>.ts). */
export interface RateLimitRecipe extends OperationRecipe {
  /** The operation to repeat; default: a read in the class, else an idempotent write replayed under one key. */
  operationId?: string;
}

// ---------------------------------------------------------------------------------------------
// A provider's declarations, as the registry holds them

export interface ProviderHarness {
  /** Multi-step sequences the flows check runs. */
  flows?: readonly FlowDeclaration[];
  webhooks?: WebhookDeclaration;
  /** By operationId. */
  idempotency?: Record<string, IdempotencyRecipe>;
  /** By rate-limit class. */
  rateLimit?: Record<string, RateLimitRecipe>;
  /**
   * Steps run before every check run, so that N runs against the same implementation find the same
   * state (a wallet topped up, stock restored): through the provider's API where it has one, else
   * the sandbox control API (skipped when the target has none). Each must succeed.
   */
  restore?: readonly FlowStep[];
  /** operationId → the role that calls it with valid inputs when not `default` (the conformance probe, negative_data, fuzz). */
  generatedInputRoles?: Record<string, string>;
  /** The behaviour checks' declarations (headers, credentials, idempotency bounds and scope, negative flows, computed documents, per-credential limits). */
  behaviour?: BehaviourDeclaration;
}

// ---------------------------------------------------------------------------------------------
// Behaviour checks (harness/checks/behaviour.ts): what they need to know about a provider beyond its spec

/** An answer a request must get: a status and, where the spec names one, the error code. */
export interface ExpectedRefusal {
  status: number;
  code?: string;
}

/** One call: an operation, the role that makes it and inputs on top of the spec's example. */
export interface DeclaredCall {
  operationId: string;
  role?: string;
  input?: CallInput;
}

/** credential_lifecycle: a role of the credentials file and what its requests get. */
export interface CredentialExpectation {
  role: string;
  /** `accepted`: answered like the default credential (2xx); else the refusal. */
  expect: 'accepted' | ExpectedRefusal;
  /** Where the spec or the docs say so (a decision id or the docs' file name). */
  source: string;
}

export interface PaginationDeclaration extends DeclaredCall {
  /** Where the page's items are in the body (a top-level key; the body itself when absent). */
  items?: string;
  /** Header names (the defaults are the ones every provider here uses). */
  headers?: { page?: string; perPage?: string; totalCount?: string; totalPages?: string; hasMore?: string };
}

export interface RateLimitHeadersDeclaration extends DeclaredCall {
  /** The window X-RateLimit-Remaining and -Reset describe, in seconds. */
  windowSeconds: number;
}

export interface KeyBoundsDeclaration {
  /** The answer to a key outside the documented length bounds (x-idempotency min_length, max_length). */
  refusal: ExpectedRefusal;
  source: string;
  /** The role each operation is called with when not `default`. */
  roles?: Record<string, string>;
  /** Inputs on top of the spec's example, by operation. */
  inputs?: Record<string, CallInput>;
}

/** rate_limit_per_credential: two credentials of one client address, one exhausting its limit. */
export interface PerCredentialLimitDeclaration extends DeclaredCall {
  /** The role that spends its allowance, and the other role that must not be throttled by it. */
  spender: string;
  other: string;
}

export interface BehaviourDeclaration {
  /** request_id_echo: the provider documents that a client's X-Request-Id comes back unchanged. */
  requestIdEcho?: { calls: readonly DeclaredCall[]; source: string };
  /** error_request_id: calls that answer errors, whose body's request id equals a header. */
  errorRequestId?: { calls: readonly DeclaredCall[]; pointer: string; header: string; source: string };
  pagination?: readonly PaginationDeclaration[];
  rateLimitHeaders?: RateLimitHeadersDeclaration;
  credentials?: { probe: DeclaredCall; roles: readonly CredentialExpectation[] };
  keyBounds?: KeyBoundsDeclaration;
  /** idempotency_scope: one key sent to the same operation for another resource (flows). */
  scopeFlows?: readonly FlowDeclaration[];
  /** business_negative: flows whose steps are refusals and compensations (wrong OTP, cancel → refund). */
  negativeFlows?: readonly FlowDeclaration[];
  /** document_consistency: flows that read computed documents and check their arithmetic. */
  consistencyFlows?: readonly FlowDeclaration[];
  perCredentialLimit?: PerCredentialLimitDeclaration;
}
