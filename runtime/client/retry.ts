/**
 * A fetch that honours 429 + Retry-After with a bounded number of retries. The request is
 * replayed byte for byte (same body, same Idempotency-Key, same signature: the bounded wait keeps
 * it inside the providers' ±300 s window).
 */
export const DEFAULT_MAX_RETRIES = 2;
/** Longest Retry-After the client will sleep through; past it the 429 is returned to the caller. */
export const DEFAULT_MAX_RETRY_AFTER_SECONDS = 60;

export interface RetryOptions {
  maxRetries?: number;
  maxRetryAfterSeconds?: number;
  /** Injected for tests; default setTimeout-based. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/** Seconds to wait from a Retry-After value (delta-seconds or HTTP-date); null when absent or invalid. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (value === null || value.trim() === '') return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createRetryingFetch(inner: typeof fetch = globalThis.fetch, options: RetryOptions = {}): (request: Request) => Promise<Response> {
  const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
  const maxWait = options.maxRetryAfterSeconds ?? DEFAULT_MAX_RETRY_AFTER_SECONDS;
  const sleep = options.sleep ?? defaultSleep;
  const now = options.now ?? Date.now;
  return async (request: Request) => {
    for (let attempt = 0; ; attempt++) {
      const response = await inner(attempt < maxRetries ? request.clone() : request);
      if (response.status !== 429 || attempt >= maxRetries) return response;
      const wait = parseRetryAfter(response.headers.get('retry-after'), now());
      if (wait === null || wait > maxWait) return response;
      await response.body?.cancel();
      await sleep(wait * 1000);
    }
  };
}
