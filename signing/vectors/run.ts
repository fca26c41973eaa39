import { readFileSync } from 'node:fs';
import { sign, verify } from '../engine.ts';
import { SignatureVerificationError } from '../errors.ts';
import { getScheme } from '../schemes/index.ts';
import type { SignInput, VerifyInput } from '../types.ts';
import { bodyBytes, type NegativeVectorJson, type PositiveVectorJson, type VectorFileJson, type VerifyKeysJson } from './format.ts';
import { vectorPath } from './generate.ts';

export interface VectorOutcome {
  id: string;
  kind: 'positive' | 'negative';
  ok: boolean;
  /** What differed, for a failure. */
  problems: string[];
}

export function loadVectorFile(schemeId: string): VectorFileJson {
  return JSON.parse(readFileSync(vectorPath(getScheme(schemeId)), 'utf8')) as VectorFileJson;
}

function keysOf(k: VerifyKeysJson): Pick<VerifyInput, 'secret' | 'publicKey'> {
  return k.secrets ? { secret: k.secrets } : { publicKey: k.public_keys_pem ?? [] };
}

function errorCode(run: () => unknown): string {
  try {
    run();
    return 'valid';
  } catch (err) {
    if (err instanceof SignatureVerificationError) return err.code;
    throw err;
  }
}

/** Signs the input and compares every stage, then verifies as the vector says. */
export function runPositive(scheme: string, v: PositiveVectorJson): VectorOutcome {
  const problems: string[] = [];
  const body = bodyBytes(v.input);
  const input: SignInput = { method: v.input.method, path: v.input.path, query: v.input.query, headers: v.input.headers, body };
  if (v.input.timestamp !== null) input.timestamp = v.input.timestamp;
  if (v.input.secret !== undefined) input.secret = v.input.secret;
  if (v.input.private_key_pem !== undefined) input.privateKey = v.input.private_key_pem;
  const got = sign(scheme, input);
  const want = v.intermediates;
  if (want.sorted_query !== got.intermediates.sortedQuery) problems.push(`sorted_query: want ${JSON.stringify(want.sorted_query)}, got ${JSON.stringify(got.intermediates.sortedQuery)}`);
  if (want.body_sha256 !== got.intermediates.bodySha256) problems.push(`body_sha256: want ${want.body_sha256}, got ${got.intermediates.bodySha256}`);
  const wantCanonical = want.canonical_base64 !== undefined ? Buffer.from(want.canonical_base64, 'base64') : Buffer.from(want.canonical ?? '', 'utf8');
  if (!wantCanonical.equals(got.canonicalBytes)) problems.push(`canonical: want ${JSON.stringify(wantCanonical.toString('utf8'))}, got ${JSON.stringify(got.canonical)}`);
  if (got.signature !== v.signature) problems.push(`signature: want ${v.signature}, got ${got.signature}`);
  if (JSON.stringify(got.headers) !== JSON.stringify(v.headers)) problems.push(`headers: want ${JSON.stringify(v.headers)}, got ${JSON.stringify(got.headers)}`);
  const code = errorCode(() =>
    verify(scheme, { method: v.verify.method, path: v.verify.path, query: v.verify.query, headers: v.verify.headers, body, now: v.verify.verify_at, ...keysOf(v.verify) }),
  );
  if (code !== 'valid') problems.push(`verify: want valid, got ${code}`);
  return { id: v.id, kind: 'positive', ok: problems.length === 0, problems };
}

/** Verifies as the vector says and expects its error code. */
export function runNegative(scheme: string, v: NegativeVectorJson): VectorOutcome {
  const code = errorCode(() =>
    verify(scheme, { method: v.verify.method, path: v.verify.path, query: v.verify.query, headers: v.verify.headers, body: bodyBytes(v.verify), now: v.verify.verify_at, ...keysOf(v.verify) }),
  );
  const ok = code === v.expected_error;
  return { id: v.id, kind: 'negative', ok, problems: ok ? [] : [`want ${v.expected_error}, got ${code}`] };
}

export function runVectorFile(file: VectorFileJson): VectorOutcome[] {
  return [...file.positive.map((v) => runPositive(file.scheme, v)), ...file.negative.map((v) => runNegative(file.scheme, v))];
}
