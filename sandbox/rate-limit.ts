/**
 * Rate limits as each spec declares them (x-rate-limit): fixed windows per caller and endpoint
 * class, on the sandbox's business clock (so a test can advance time instead of waiting). Over a
 * limit: 429 in the provider's envelope with Retry-After (and the provider's own rate-limit
 * headers where it documents them, on every response).
 */
import { createHash } from 'node:crypto';
import type { ContractRateLimit, RateLimitWindow } from '../runtime/contract.ts';
import { ProviderError } from '../runtime/server/errors.ts';
import type { Guard, OperationCall } from '../runtime/server/router.ts';
import type { SandboxClock } from './clock.ts';

export interface RateLimitOptions {
  policy: ContractRateLimit;
  /** The provider's 429 code. */
  code: string;
  /** The caller (limits are per key) and, where tiers apply, its tier. */
  callerOf: (call: OperationCall) => { key: string; tier?: string } | undefined;
  /** Multiplies every documented limit (tests: a small number to reach the limit fast). Default 1. */
  scale?: number;
  /** Turn limits off entirely (benchmarks). */
  disabled?: boolean;
  /** Most counters kept at once (default MAX_TRACKED_COUNTERS); past it, the oldest go first. */
  maxCounters?: number;
}

/**
 * Counters are kept per caller, and the caller is whatever key the client sent — valid or not,
 * since the limit runs before auth. So memory is bounded three ways: a key longer than
 * KEY_DIGEST_ABOVE characters is counted by its SHA-256 (a fresh 43-character string: neither the
 * key nor the header it was sliced from stays alive), windows that are over are swept, and at most
 * maxCounters counters are tracked (the least recently started go first).
 */
export const KEY_DIGEST_ABOVE = 64;
export const MAX_TRACKED_COUNTERS = 50_000;
/** Sweep expired windows every this many new counters. */
const SWEEP_EVERY = 1_000;

/** The caller key a counter is filed under: short keys as they are (copied flat), long ones by digest. */
export function counterKeyOf(key: string): string {
  return key.length > KEY_DIGEST_ABOVE ? `#${createHash('sha256').update(key).digest('base64url')}` : key;
}

interface Counter {
  windowStart: number;
  count: number;
  /** When this window is over (business ms). */
  endsAt: number;
}

export function rateLimitGuard(clock: SandboxClock, options: RateLimitOptions): Guard {
  const counters = new Map<string, Counter>();
  const maxCounters = options.maxCounters ?? MAX_TRACKED_COUNTERS;
  let added = 0;
  /** Drops the windows that are over. */
  const sweep = (now: number) => {
    for (const [key, counter] of counters) if (counter.endsAt <= now) counters.delete(key);
  };
  const headers = options.policy.headers ?? {};
  const scale = options.scale ?? 1;

  const windowsFor = (cls: string, tier: string | undefined): RateLimitWindow[] => {
    const tiered = tier && options.policy.tiers?.[tier];
    const base = tiered || options.policy.classes[cls]?.limits || [];
    return base.map((w) => ({ requests: Math.max(1, Math.floor(w.requests * scale)), per_seconds: w.per_seconds }));
  };

  return (call) => {
    if (options.disabled) return undefined;
    const caller = options.callerOf(call);
    if (!caller) return undefined;
    const cls = call.operation.rateLimitClass ?? Object.keys(options.policy.classes)[0] ?? 'default';
    const windows = windowsFor(cls, caller.tier);
    if (!windows.length) return undefined;
    const now = clock.now();
    const callerKey = counterKeyOf(caller.key);
    let blockedFor = 0;
    const states = windows.map((w) => {
      const key = `${callerKey}|${caller.tier ? 'tier' : cls}|${w.per_seconds}`;
      const span = w.per_seconds * 1000;
      let counter = counters.get(key);
      if (!counter || now - counter.windowStart >= span) {
        const windowStart = now - ((now - (counter?.windowStart ?? now)) % span);
        // Re-inserted, so the map stays ordered by when each window started (the cap drops the oldest).
        counters.delete(key);
        counter = { windowStart, count: 0, endsAt: windowStart + span };
        counters.set(key, counter);
        if (++added % SWEEP_EVERY === 0) sweep(now);
        while (counters.size > maxCounters) counters.delete(counters.keys().next().value!);
      }
      const resetAt = counter.windowStart + span;
      if (counter.count >= w.requests) blockedFor = Math.max(blockedFor, Math.ceil((resetAt - now) / 1000));
      return { w, counter, resetAt };
    });
    // The widest window (the hourly cap) is the one the X-RateLimit-* headers describe.
    const widest = states.reduce((a, b) => (b.w.per_seconds > a.w.per_seconds ? b : a));
    if (blockedFor === 0) for (const s of states) s.counter.count++;
    if (headers.limit) call.responseHeaders[headers.limit] = String(widest.w.requests);
    if (headers.remaining) call.responseHeaders[headers.remaining] = String(Math.max(0, widest.w.requests - widest.counter.count));
    if (headers.reset) call.responseHeaders[headers.reset] = String(Math.ceil(widest.resetAt / 1000));
    if (blockedFor > 0) {
      const retry = String(Math.max(1, blockedFor));
      const extra: Record<string, string> = { 'Retry-After': retry };
      if (headers.retry_after && headers.retry_after.toLowerCase() !== 'retry-after') extra[headers.retry_after] = retry;
      throw new ProviderError(429, options.code, `Rate limit exceeded for this key (${cls}); retry after ${retry} s.`, { headers: extra });
    }
    return undefined;
  };
}
