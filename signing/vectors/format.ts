import type { SignatureErrorCode } from '../errors.ts';

// The JSON shape of specs/<provider>/vectors/<scheme>.json, documented in specs/VECTORS.md.

export const VECTOR_FORMAT = 'accord-signing-vectors/1';

/** A body: UTF-8 text in `body`, or any bytes in `body_base64` (exactly one is present). */
export interface BodyJson {
  body?: string;
  body_base64?: string;
}

/** The verifier's keys: HMAC secrets, or Ed25519 public keys (SPKI PEM). Any one may match. */
export interface VerifyKeysJson {
  secrets?: string[];
  public_keys_pem?: string[];
}

export interface PositiveVectorJson {
  id: string;
  description: string;
  input: BodyJson & {
    method: string;
    path: string;
    query: string;
    headers: Record<string, string>;
    /** null for schemes without a timestamp. */
    timestamp: number | null;
    secret?: string;
    private_key_pem?: string;
  };
  intermediates: { sorted_query?: string; body_sha256?: string; canonical?: string; canonical_base64?: string };
  signature: string;
  headers: Record<string, string>;
  /** Verify the input's body with this request and these headers at `verify_at`: must succeed. */
  verify: VerifyKeysJson & { verify_at: number; method: string; path: string; query: string; headers: Record<string, string> };
}

export interface NegativeVectorJson {
  id: string;
  description: string;
  verify: BodyJson & VerifyKeysJson & { verify_at: number; method: string; path: string; query: string; headers: Record<string, string> };
  expected_error: SignatureErrorCode;
}

export interface VectorFileJson {
  format: string;
  scheme: string;
  provider: string;
  use: 'request' | 'webhook';
  summary: string;
  declaration: Record<string, unknown>;
  test_only: string;
  generated_by: string;
  keys: Record<string, unknown>;
  positive: PositiveVectorJson[];
  negative: NegativeVectorJson[];
}

export function bodyJson(bytes: Buffer): BodyJson {
  const text = bytes.toString('utf8');
  return Buffer.from(text, 'utf8').equals(bytes) ? { body: text } : { body_base64: bytes.toString('base64') };
}

export function bodyBytes(b: BodyJson): Buffer {
  return b.body_base64 !== undefined ? Buffer.from(b.body_base64, 'base64') : Buffer.from(b.body ?? '', 'utf8');
}
