/** Why a signature was rejected (or could not be produced). Stable strings: vectors and the CLI print them. */
export type SignatureErrorCode =
  | 'missing_header'
  | 'malformed_header'
  | 'timestamp_out_of_window'
  | 'signature_mismatch'
  | 'unknown_scheme'
  | 'invalid_key'
  | 'invalid_input';

export const SIGNATURE_ERROR_CODES: readonly SignatureErrorCode[] = [
  'missing_header',
  'malformed_header',
  'timestamp_out_of_window',
  'signature_mismatch',
  'unknown_scheme',
  'invalid_key',
  'invalid_input',
];

export interface SignatureErrorDetails {
  scheme?: string;
  /** The header concerned, as the scheme spells it. */
  header?: string;
  /** verifier clock minus signed timestamp, in seconds (positive: the signature is older). */
  skewSeconds?: number;
  toleranceSeconds?: number;
}

/**
 * The one error the signing engine throws. `message` says what to check and never contains a
 * secret, a key or an expected signature (an expected signature would let a caller forge).
 *
 * @example
 *   try { verify('starship-hmac-v1', input) }
 *   catch (err) { if (err instanceof SignatureVerificationError) reply(401, err.code) }
 */
export class SignatureVerificationError extends Error {
  readonly code: SignatureErrorCode;
  readonly scheme: string | undefined;
  readonly header: string | undefined;
  readonly skewSeconds: number | undefined;
  readonly toleranceSeconds: number | undefined;

  constructor(code: SignatureErrorCode, message: string, details: SignatureErrorDetails = {}) {
    super(message);
    this.name = 'SignatureVerificationError';
    this.code = code;
    this.scheme = details.scheme;
    this.header = details.header;
    this.skewSeconds = details.skewSeconds;
    this.toleranceSeconds = details.toleranceSeconds;
  }
}
