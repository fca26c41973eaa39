/**
 * Pacing: the harness stays below the rate limits the spec declares (x-rate-limit), so a correct
 * implementation is never judged through a 429. Each credential (the key the provider counts) and
 * class (or tier) keeps a log of the calls sent; a call waits until every window has room.
 *
 * The log is a sliding window: at most `requests` calls in any `per_seconds` span. That is never
 * more than a fixed window allows (a fixed window is one such span), whatever the server's window
 * alignment. Time is the harness's view of the target's clock (see TimeKeeper): against an accord
 * sandbox, waiting advances the sandbox's business clock (its limits run on it) instead of sleeping.
 */
import type { Contract, ContractOperation, RateLimitWindow } from '../runtime/contract.ts';

/** Real milliseconds added to every real wait: requests sent one window apart may arrive a little closer. */
export const REAL_WAIT_MARGIN_MS = 150;
/** Business milliseconds added to every advance of a sandbox clock (cheap, and clear of a window edge). */
const ADVANCE_MARGIN_MS = 50;

/** What the harness spent waiting, for the report. */
export interface PacingStats {
  /** Requests sent to the implementation (control API calls not counted). */
  requests: number;
  /** Real milliseconds slept to stay below the limits or to honour Retry-After. */
  waitedRealMs: number;
  /** Business seconds the sandbox clock was advanced instead of sleeping (pacing and Retry-After). */
  advancedSeconds: number;
  /** 429s answered to the harness (outside the rate_limit check) and retried. */
  retried429: number;
  /** Seconds of Retry-After honoured. */
  retryAfterSeconds: number;
  /**
   * The request budget: the least time the documented limits allow for the calls sent (per key and
   * class, the busiest decides). What the run costs against a target where time cannot be advanced.
   */
  minimumSeconds: number;
}

export const emptyStats = (): PacingStats => ({ requests: 0, waitedRealMs: 0, advancedSeconds: 0, retried429: 0, retryAfterSeconds: 0, minimumSeconds: 0 });

/**
 * The target's clock as the harness sees it. `now()` moves with real time and with every
 * `pass()`; `pass(s)` lets `s` seconds go by: a real sleep, or an advance of a sandbox's clock.
 */
export interface TimeKeeper {
  /** true: `pass` advances the target's business clock (an accord sandbox). */
  readonly virtual: boolean;
  now(): number;
  /** `counted` false: time passed for the check's own reasons (a flow waiting for an order), not for pacing. */
  pass(seconds: number, counted?: boolean): Promise<void>;
}

export function realTimeKeeper(stats: PacingStats): TimeKeeper {
  return {
    virtual: false,
    now: () => Date.now(),
    async pass(seconds) {
      const ms = Math.max(0, seconds * 1000);
      if (!ms) return;
      await new Promise((r) => setTimeout(r, ms));
      stats.waitedRealMs += ms;
    },
  };
}

/**
 * Against an accord sandbox: time passes by advancing its business clock (POST /_accord/clock/advance).
 * Should the control API refuse (a missing control token), the keeper waits in real time from then on.
 */
export function sandboxTimeKeeper(stats: PacingStats, advance: (seconds: number) => Promise<void>): TimeKeeper {
  let advancedMs = 0;
  let real: TimeKeeper | undefined;
  return {
    get virtual() {
      return !real;
    },
    now: () => Date.now() + advancedMs,
    async pass(seconds, counted = true) {
      if (!(seconds > 0)) return;
      const s = Math.ceil(seconds * 1000) / 1000;
      if (!real) {
        try {
          await advance(s);
          advancedMs += s * 1000;
          if (counted) stats.advancedSeconds += s;
          return;
        } catch (err) {
          // A flow's own wait must move business time (an order settling): only pacing falls back.
          if (!counted) throw err;
          real = realTimeKeeper(stats);
        }
      }
      await real.pass(s);
    },
  };
}

export interface Pacer {
  /** Waits until a call of `op` by `key` (tier `tier`) fits every window, then counts it. */
  acquire(op: ContractOperation, key: string, tier: string | undefined): Promise<void>;
  /** Tells the pacer that time went by outside it (a flow advanced the sandbox clock). */
  readonly keeper: TimeKeeper;
}

/** The windows a call counts against, and the log they share (as the sandbox keys its counters). */
export function windowsOf(contract: Contract, op: ContractOperation, tier: string | undefined): { group: string; windows: RateLimitWindow[] } {
  const policy = contract.rateLimit;
  if (!policy) return { group: '', windows: [] };
  const tiered = tier ? policy.tiers?.[tier] : undefined;
  if (tiered?.length) return { group: 'tier', windows: tiered };
  const cls = op.rateLimitClass ?? Object.keys(policy.classes)[0] ?? 'default';
  return { group: cls, windows: policy.classes[cls]?.limits ?? [] };
}

export function createPacer(contract: Contract, keeper: TimeKeeper, stats?: PacingStats): Pacer {
  const logs = new Map<string, number[]>();
  const calls = new Map<string, number>();
  // One acquisition at a time: calls sent together (concurrency probes) queue here, in order.
  let queue: Promise<void> = Promise.resolve();

  const acquireNow = async (op: ContractOperation, key: string, tier: string | undefined) => {
    const { group, windows } = windowsOf(contract, op, tier);
    if (!windows.length) return;
    for (;;) {
      const now = keeper.now();
      let waitMs = 0;
      for (const w of windows) {
        const span = w.per_seconds * 1000;
        const log = logs.get(`${key}|${group}|${w.per_seconds}`) ?? [];
        while (log.length && log[0]! <= now - span) log.shift();
        if (log.length >= w.requests) waitMs = Math.max(waitMs, log[log.length - w.requests]! + span - now);
      }
      if (waitMs <= 0) break;
      await keeper.pass((waitMs + (keeper.virtual ? ADVANCE_MARGIN_MS : REAL_WAIT_MARGIN_MS)) / 1000);
    }
    const at = keeper.now();
    const counted = (calls.get(`${key}|${group}`) ?? 0) + 1;
    calls.set(`${key}|${group}`, counted);
    if (stats) stats.minimumSeconds = Math.max(stats.minimumSeconds, minimumSeconds(windows, counted));
    for (const w of windows) {
      const id = `${key}|${group}|${w.per_seconds}`;
      const log = logs.get(id) ?? [];
      log.push(at);
      logs.set(id, log);
    }
  };

  return {
    keeper,
    acquire(op, key, tier) {
      const next = queue.then(() => acquireNow(op, key, tier));
      queue = next.catch(() => undefined);
      return next;
    },
  };
}

/** The least time the documented limits allow for a number of calls in one window set (for the bench). */
export function minimumSeconds(windows: readonly RateLimitWindow[], calls: number): number {
  let least = 0;
  for (const w of windows) if (calls > w.requests) least = Math.max(least, Math.ceil(calls / w.requests - 1) * w.per_seconds);
  return least;
}
