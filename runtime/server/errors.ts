/**
 * Errors in the provider's own envelope. A provider declares how its error body looks and which
 * codes it uses for the generic failures the router itself detects; handlers throw ProviderError.
 */
export interface ErrorInfo {
  status: number;
  code: string;
  message: string;
  requestId: string;
}

export interface ErrorEnvelope {
  /** The provider's JSON error body for one error. */
  body(error: ErrorInfo): unknown;
  /** Codes for failures the router detects before a handler runs. */
  codes: {
    validation: string;
    malformedJson: string;
    /** Default: `validation`, answered 415 where the operation documents it, else 400. */
    unsupportedMediaType?: string;
    notFound: string;
    notImplemented: string;
    internal: string;
    payloadTooLarge: string;
    /** An Idempotency-Key that breaks x-idempotency's format (the router checks it); default `validation`. */
    idempotencyKeyInvalid?: string;
  };
}

/**
 * The codes most providers use for the router's own failures; a provider spreads them and
 * overrides what differs (each name must be in the provider's x-error-codes).
 */
export const CONVENTIONAL_CODES: ErrorEnvelope['codes'] = {
  validation: 'VALIDATION_ERROR',
  malformedJson: 'VALIDATION_ERROR',
  notFound: 'NOT_FOUND',
  notImplemented: 'INTERNAL_ERROR',
  internal: 'INTERNAL_ERROR',
  payloadTooLarge: 'VALIDATION_ERROR',
};

/** How a provider's request ids look: generated when the caller sends none (or one it would not accept). */
export interface RequestIdFormat {
  generate(): string;
  /** Whether a caller's X-Request-Id is echoed; default: any non-empty value up to 200 characters. */
  accepts?(id: string): boolean;
}

/** A provider's HTTP conventions, declared in providers/<id>/http.ts. */
export interface ProviderHttp {
  errors: ErrorEnvelope;
  requestId: RequestIdFormat;
}

/**
 * An error a handler (or middleware) throws to answer in the provider's envelope.
 *
 * @example
 *   throw new ProviderError(404, 'NOT_FOUND', `No order ${id}`);
 */
export class ProviderError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly options: { headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'ProviderError';
  }
}

/** The closest status the operation documents: `preferred` when declared, else `fallback`. */
export function documentedStatus(responses: readonly string[], preferred: number, fallback: number): number {
  const has = (s: number) => responses.includes(String(s)) || responses.includes(`${String(s)[0]}XX`);
  return has(preferred) ? preferred : fallback;
}
