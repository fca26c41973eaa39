/**
 * Rate limits as each spec declares them (x-rate-limit): fixed windows per caller and endpoint
 * class, on the sandbox's business clock (so a test can advance time instead of waiting). Over a
 * limit: 429 in the provider's envelope with Retry-After (and the provider's own rate-limit
 * headers where it documents them, on every response).
 */
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
}

interface Counter {
  windowStart: number;
  count: number;
}

export function rateLimitGuard(clock: SandboxClock, options: RateLimitOptions): Guard {
  const counters = new Map<string, Counter>();
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
    let blockedFor = 0;
    const states = windows.map((w) => {
      const key = `${caller.key}|${caller.tier ? 'tier' : cls}|${w.per_seconds}`;
      const span = w.per_seconds * 1000;
      let counter = counters.get(key);
      if (!counter || now - counter.windowStart >= span) {
        counter = { windowStart: now - ((now - (counter?.windowStart ?? now)) % span), count: 0 };
        counters.set(key, counter);
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
