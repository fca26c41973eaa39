/**
 * The sandbox's business clock: real time, shifted by an offset and optionally sped up, so tests
 * can walk an order through its lifecycle or a webhook through 24 h of retries without waiting.
 * Signature windows use the real clock (a client signs with its own clock, as in production).
 *
 * Business time never goes backwards on its own: the state carries the business instant it was
 * taken at, and a clock restored from it starts no earlier (sandbox/app.ts commits the state with
 * the writes that used it). Only an explicit reset moves it back.
 */
export interface ClockState {
  /** Milliseconds added to real time. */
  offsetMs: number;
  /** How many business milliseconds pass per real millisecond (1: real time). */
  scale: number;
  /** Business time when the state was taken: a restored clock starts no earlier. */
  businessMs?: number;
}

/** The latest business instant: 9999-12-31T23:59:59Z, so every timestamp keeps a four-digit year. */
export const MAX_BUSINESS_MS = Date.UTC(9999, 11, 31, 23, 59, 59);
/** Scale bounds: at most 100,000× (24 h of retries in under a real second), at least 1/1,000. */
export const MAX_CLOCK_SCALE = 100_000;
export const MIN_CLOCK_SCALE = 0.001;

export class SandboxClock {
  private scale: number;
  private anchorReal: number;
  private anchorBusiness: number;
  private isoSecond = NaN;
  private isoText = '';
  /** Called after every explicit change (advance, scale, reset): the app saves the state. */
  onChange: (() => void) | null = null;

  constructor(state: Partial<ClockState> = {}, private readonly realNow: () => number = Date.now) {
    const scale = state.scale ?? 1;
    this.scale = Number.isFinite(scale) && scale >= MIN_CLOCK_SCALE && scale <= MAX_CLOCK_SCALE ? scale : 1;
    this.anchorReal = realNow();
    const offset = Number.isFinite(state.offsetMs) ? state.offsetMs! : 0;
    const floor = Number.isFinite(state.businessMs) ? state.businessMs! : -Infinity;
    this.anchorBusiness = Math.min(MAX_BUSINESS_MS, Math.max(this.anchorReal + offset, floor));
  }

  /** Business time, epoch milliseconds (it stops at MAX_BUSINESS_MS). */
  now(): number {
    const t = this.anchorBusiness + (this.realNow() - this.anchorReal) * this.scale;
    return t < MAX_BUSINESS_MS ? t : MAX_BUSINESS_MS;
  }

  nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }

  iso(at = this.now()): string {
    // Whole seconds: many calls land in the same one, so the last string is kept.
    const second = Math.floor(at / 1000);
    if (second !== this.isoSecond) {
      this.isoSecond = second;
      this.isoText = new Date(second * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    }
    return this.isoText;
  }

  /** Why `advance(ms)` would be refused, or null. */
  advanceProblem(ms: number): string | null {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) return 'the clock only moves forward, by a finite number';
    if (this.now() + ms > MAX_BUSINESS_MS) return `that would pass ${new Date(MAX_BUSINESS_MS).toISOString()}, the latest business time; advance by at most ${Math.floor((MAX_BUSINESS_MS - this.now()) / 1000)} s`;
    return null;
  }

  /** Jumps business time forward. */
  advance(ms: number): void {
    const problem = this.advanceProblem(ms);
    if (problem) throw new RangeError(problem);
    this.anchorBusiness += ms;
    this.onChange?.();
  }

  static scaleProblem(scale: unknown): string | null {
    return typeof scale === 'number' && Number.isFinite(scale) && scale >= MIN_CLOCK_SCALE && scale <= MAX_CLOCK_SCALE ? null : `scale must be a number from ${MIN_CLOCK_SCALE} to ${MAX_CLOCK_SCALE}`;
  }

  setScale(scale: number): void {
    const problem = SandboxClock.scaleProblem(scale);
    if (problem) throw new RangeError(problem);
    this.anchorBusiness = this.now();
    this.anchorReal = this.realNow();
    this.scale = scale;
    this.onChange?.();
  }

  /** Back to real time at real speed (the one way business time moves back). */
  reset(): void {
    this.anchorReal = this.realNow();
    this.anchorBusiness = this.anchorReal;
    this.scale = 1;
    this.onChange?.();
  }

  /** Whether business time runs at real speed (its state then only changes with advance, scale or reset). */
  get realSpeed(): boolean {
    return this.scale === 1;
  }

  /** Real milliseconds until a business instant (for timers). */
  realDelayUntil(at: number): number {
    return Math.max(0, (at - this.now()) / this.scale);
  }

  /** The offset from real time at this instant, the scale, and the instant: enough to restore the clock after a restart. */
  state(): ClockState {
    const businessMs = this.now();
    return { offsetMs: businessMs - this.realNow(), scale: this.scale, businessMs };
  }
}
