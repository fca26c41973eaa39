/**
 * The sandbox's business clock: real time, shifted by an offset and optionally sped up, so tests
 * can walk an order through its lifecycle or a webhook through 24 h of retries without waiting.
 * Signature windows use the real clock (a client signs with its own clock, as in production).
 */
export interface ClockState {
  /** Milliseconds added to real time. */
  offsetMs: number;
  /** How many business milliseconds pass per real millisecond (1: real time). */
  scale: number;
}

export class SandboxClock {
  private scale: number;
  private anchorReal: number;
  private anchorBusiness: number;
  private isoSecond = NaN;
  private isoText = '';

  constructor(state: Partial<ClockState> = {}, private readonly realNow: () => number = Date.now) {
    this.scale = state.scale ?? 1;
    this.anchorReal = realNow();
    this.anchorBusiness = this.anchorReal + (state.offsetMs ?? 0);
  }

  /** Business time, epoch milliseconds. */
  now(): number {
    return this.anchorBusiness + (this.realNow() - this.anchorReal) * this.scale;
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

  /** Jumps business time forward. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError('the clock only moves forward');
    this.anchorBusiness += ms;
  }

  setScale(scale: number): void {
    if (!(scale > 0)) throw new RangeError('scale must be positive');
    this.anchorBusiness = this.now();
    this.anchorReal = this.realNow();
    this.scale = scale;
  }

  /** Real milliseconds until a business instant (for timers). */
  realDelayUntil(at: number): number {
    return Math.max(0, (at - this.now()) / this.scale);
  }

  /** The offset from real time at this instant, and the scale: enough to restore the clock after a restart. */
  state(): ClockState {
    return { offsetMs: this.now() - this.realNow(), scale: this.scale };
  }
}
