/**
 * `accord check-signer`: the protocol an external signer speaks (specs/VECTORS.md, "Checking a
 * signer") and what the checker reports. One JSON object per line each way.
 */
import type { SchemeId } from '../../signing/types.ts';

export const PROTOCOL = 'accord-signer-protocol/1';

/** Headers as sent: an array means the header was sent more than once. */
export type WireHeaders = Record<string, string | string[]>;

export interface SignRequest {
  id: string;
  op: 'sign';
  scheme: SchemeId;
  method: string;
  path: string;
  query: string;
  body_base64: string;
  /** Unix seconds to sign at (the signer's clock for this case); null for schemes without a timestamp. */
  timestamp: number | null;
  /** Headers sent along (credential id, event): copied, not signed. */
  headers: Record<string, string>;
  secret?: string;
  private_key_pem?: string;
}

export interface VerifyRequest {
  id: string;
  op: 'verify';
  scheme: SchemeId;
  method: string;
  path: string;
  query: string;
  headers: WireHeaders;
  body_base64: string;
  /** The verifier's clock, unix seconds. */
  now: number;
  secrets?: string[];
  public_keys_pem?: string[];
}

export type ProtocolRequest = SignRequest | VerifyRequest;

/** A signer's answer: `headers` required; the intermediates are optional and sharpen the diagnosis. */
export interface SignAnswer {
  id?: string;
  headers?: Record<string, string>;
  signature?: string;
  canonical?: string;
  canonical_base64?: string;
  body_sha256?: string;
  sorted_query?: string;
  error?: string;
}

export interface VerifyAnswer {
  id?: string;
  valid?: boolean;
  error?: string;
}

export type Answer = SignAnswer & VerifyAnswer;

/** Where a signer and the engine part ways, in the order a signer builds a signature. */
export type Stage = 'protocol' | 'header layout' | 'timestamp' | 'canonical string' | 'body hash' | 'signature' | 'verdict';

export interface Mismatch {
  stage: Stage;
  /** Which part: `line 3 (SORTED_QUERY)`, `X-Signature`, `t=`… */
  where?: string;
  expected: string;
  received: string;
  /** What the bug most likely is. */
  hint?: string;
}

/** What the signer expects: the engine's own output, intermediates included. */
export interface SignExpectation {
  canonical: Buffer;
  sortedQuery?: string;
  bodySha256?: string;
  signature: string;
  /** The scheme's own headers (signature, timestamp), exactly. */
  headers: Record<string, string>;
  timestamp: string;
}

export type Group = 'vectors' | 'properties' | 'negatives';

export interface SignCase {
  kind: 'sign';
  group: Group;
  name: string;
  request: SignRequest;
  expected: SignExpectation;
}

export interface VerifyCase {
  kind: 'verify';
  group: Group;
  name: string;
  request: VerifyRequest;
  /** `valid`, or the error code the engine refuses with. */
  expected: 'valid' | string;
  /** The stage a wrong answer points at (what was tampered with). */
  stage: Stage;
}

export type Case = SignCase | VerifyCase;

export interface Failure {
  group: Group;
  kind: 'sign' | 'verify';
  name: string;
  mismatch: Mismatch;
  /** The case, secrets redacted. */
  shown: string;
}

export interface GroupSummary {
  id: string;
  passed: number;
  failed: number;
  ms: number;
}

export interface SignerReport {
  format: 'accord-check-signer-report/1';
  scheme: SchemeId;
  target: string;
  role: Role;
  seed: number;
  groups: GroupSummary[];
  passed: number;
  failed: number;
  /** Failures, at most a few per group (the count is in `failed`). */
  failures: Failure[];
  /** The smallest failing property case fast-check found. */
  shrunk?: Failure;
  /** Stages that differ, most frequent first. */
  stages: Stage[];
  casesPerSecond: number;
  ms: number;
}

export type Role = 'signer' | 'verifier' | 'both';
