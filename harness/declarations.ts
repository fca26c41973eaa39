/**
 * What the behaviour checks (headers, credentials, idempotency bounds and scope, negative business
 * flows, computed documents, per-credential limits) need to know about a provider beyond its spec.
 * Each provider declares it as data in harness/providers/<provider>.ts (`BEHAVIOUR`); the checks
 * read it through harness/providers/registry.ts. Types only: no check and no provider is imported.
 */
import type { FlowDeclaration } from './checks/flows.ts';
import type { CallInput } from './http.ts';

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
