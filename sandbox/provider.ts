/**
 * What a provider contributes to the sandbox: declarations and handlers, never a copy of the core.
 * The core (sandbox/app.ts) wires them onto the provider's generated router with the shared
 * guards (auth, signature, rate limit), idempotency and the control API.
 */
import type { Hono } from 'hono';
import type { Provider } from '../contracts/providers.ts';
import type { Contract } from '../runtime/contract.ts';
import type { ProviderError, ProviderHttp } from '../runtime/server/errors.ts';
import type { AnyHandler, Guard, Middleware, OperationCall, ResponseViolation } from '../runtime/server/router.ts';
import type { SignatureVerificationError } from '../signing/errors.ts';
import type { SchemeId } from '../signing/types.ts';
import type { SandboxClock } from './clock.ts';
import type { FaultBoard } from './faults.ts';
import type { JobHandler, JobScheduler } from './jobs.ts';
import type { SandboxStore } from './store.ts';
import type { WebhookDispatcher, WebhookEndpoint } from './webhooks.ts';

/** Who is calling, as the provider's auth established it. */
export interface Principal {
  /** The credential (rate limits and idempotency keys are per credential). */
  key: string;
  /** The account that owns the data (partner, merchant). */
  owner: string;
  tier?: string;
  /** How this call's signature is verified; null: this credential does not sign. */
  signing: { scheme: SchemeId; secret?: string | string[]; publicKey?: string | string[] } | null;
  /** Provider-specific facts (key scope, surface). */
  attributes?: Record<string, unknown>;
}

/** One named test credential as written to the credentials file (fields as the generated clients take them). */
export interface SandboxCredential {
  description: string;
  credentials: Record<string, string>;
  signing?: { scheme: SchemeId; secret?: string; privateKey?: string };
  /** Other values a test needs (partner id, webhook secret, public keys). */
  extra?: Record<string, string>;
}

export interface SandboxOptions {
  /** Multiplies the documented rate limits (tests: reach a limit in a few calls). */
  rateLimitScale?: number;
  rateLimitsDisabled?: boolean;
  /** Validate every response against the spec (tests). */
  validateResponses?: boolean;
  onResponseViolation?: (violation: ResponseViolation) => void;
  /** Real milliseconds a webhook receiver has to answer. */
  webhookTimeoutMs?: number;
  /** When set, every control call (/_accord) must send it in X-Accord-Control-Token (sandbox/control.ts). */
  controlToken?: string;
  /** Starship: production mode forbids X-Automation-Request on writes. */
  mode?: 'sandbox' | 'production';
}

export interface SandboxContext {
  provider: Provider;
  contract: Contract;
  store: SandboxStore;
  clock: SandboxClock;
  jobs: JobScheduler;
  webhooks: WebhookDispatcher | null;
  faults: FaultBoard;
  options: SandboxOptions;
  /** Base URL the sandbox listens on (with the provider's base path), once known. */
  baseUrl: string;
}

export interface RouterFactory {
  (options: { handlers: any; guards?: Guard[]; middleware?: Middleware[]; validateResponses?: boolean; onResponseViolation?: (v: ResponseViolation) => void }): Hono;
}

export interface ProviderSandbox {
  /** The generated router factory (generated/<provider>/server.ts). */
  router: RouterFactory;
  /** The provider's error envelope and request ids (providers/<id>/http.ts): answers from below the router use it too. */
  http: ProviderHttp;
  /** The generated contract (generated/<provider>/contract.ts). */
  contract: Contract;
  /** Seeds data and test credentials into an empty store; returns the credentials by role. */
  seed(ctx: SandboxContext): Record<string, SandboxCredential>;
  /** Identifies the caller or throws the provider's 401/403. */
  authenticate(call: OperationCall, ctx: SandboxContext): Principal;
  /** The provider's answer to a bad signature. */
  signatureError(error: SignatureVerificationError, call: OperationCall): ProviderError;
  /** Rate-limit key and tier of a call, before auth (so even 401s count and carry headers). */
  rateLimitCaller?(call: OperationCall, ctx: SandboxContext): { key: string; tier?: string } | undefined;
  codes: { rateLimited: string };
  /** Delivery ids in the provider's format (default `dlv_` + a ULID). */
  deliveryId?(): string;
  /** Real milliseconds a receiver has to answer (default 5 s, Starship's documented figure). */
  webhookTimeoutMs?: number;
  /** The key signing deliveries to an endpoint (null: unsigned). */
  webhookKey?(endpoint: WebhookEndpoint, ctx: SandboxContext): { secret?: string; privateKey?: string } | null;
  /** Extra guards after auth (Starship's forbidden header, SIR Giving's pk_ scope). */
  guards?(ctx: SandboxContext): Guard[];
  handlers(ctx: SandboxContext): Record<string, AnyHandler>;
  jobs?(ctx: SandboxContext): Record<string, JobHandler>;
  /** Failures a test can force through the control API: name → what it does. */
  faults?: Record<string, string>;
  /** Provider-specific control routes, mounted under /_accord. */
  control?(app: Hono, ctx: SandboxContext): void;
}

export const principalOf = (state: Record<string, unknown>): Principal => {
  const p = state.principal as Principal | undefined;
  if (!p) throw new Error('no principal: the auth guard did not run');
  return p;
};
