/**
 * The contract harness: named checks run against any implementation of a provider's contract
 * (accord's sandboxes, a provider's own sandbox, a partner's server), each reporting findings.
 */
import type { OpenApiDocument } from '../contracts/bundle.ts';
import type { Provider } from '../contracts/providers.ts';
import type { SchemaSet } from '../contracts/schemas.ts';
import type { Contract, ContractOperation } from '../runtime/contract.ts';
import type { SandboxCredential } from '../sandbox/provider.ts';
import type { HarnessHttp } from './http.ts';

export type CheckGroup = 'conformance' | 'auth' | 'idempotency' | 'rate-limit' | 'negative' | 'flows' | 'webhooks';

/** One HTTP exchange as a report shows it (secrets already redacted). */
export interface Exchange {
  request: { method: string; url: string; headers: Record<string, string>; body?: string };
  response?: { status: number; headers: Record<string, string>; body: string };
  error?: string;
  ms: number;
}

/**
 * pass/fail: the check judged an answer bearing on what it checks. skip: the check does not apply
 * (nothing to judge here). inconclusive: it could not judge, for a reason outside the check (a 429
 * after retries, no response, a 5xx where the check is about something else): never a pass.
 */
export type Outcome = 'pass' | 'fail' | 'skip' | 'inconclusive';

export interface Finding {
  check: string;
  /** operationId, flow name or webhook event the finding is about. */
  subject: string;
  outcome: Outcome;
  /** Why it failed (or why it was skipped). */
  reason?: string;
  exchange?: Exchange;
}

export interface HarnessOptions {
  seed: number;
  /** Upper bound on generated inputs per operation (fuzz, negative data). */
  maxExamples: number;
  /** Real milliseconds to wait for asynchronous effects (webhooks). */
  asyncTimeoutMs: number;
}

/** The implementation under test and what the harness knows about it. */
export interface CheckTarget {
  provider: Provider;
  contract: Contract;
  doc: OpenApiDocument;
  schemas: SchemaSet;
  /** Base URL including the provider's base path. */
  baseUrl: string;
  /** Test credentials by role (the sandbox credentials file format). */
  credentials: Record<string, SandboxCredential>;
  /** accord's sandbox control API, when the target is one (time travel, faults, deliveries). */
  controlUrl?: string;
  /** Sent as X-Accord-Control-Token to the control API (a sandbox listening beyond loopback asks for one). */
  controlToken?: string;
}

export interface CheckContext extends CheckTarget {
  options: HarnessOptions;
  http: HarnessHttp;
  record(finding: Omit<Finding, 'check'>): void;
  /** Seeded random numbers in [0, 1). */
  random(): number;
}

export interface Check {
  id: string;
  group: CheckGroup;
  /** One line: what the check proves. */
  summary: string;
  /** What it sends. */
  sends: string;
  /** What it expects back. */
  expects: string;
  /** Not run unless named with --checks (it changes the target's state in a way others notice). */
  optIn?: boolean;
  run(ctx: CheckContext): Promise<void>;
}

/** Operations a check goes through: every path operation, planned ones included. */
export const operationsOf = (ctx: CheckTarget): ContractOperation[] => ctx.contract.operations;
