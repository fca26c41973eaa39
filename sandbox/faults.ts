/** Failures a test forces through the control API ("the next 2 orders fail at the vendor"). */
export class FaultBoard {
  private readonly armed = new Map<string, number>();

  constructor(private readonly known: Record<string, string>) {}

  arm(name: string, count = 1): void {
    if (!(name in this.known)) throw new Error(`unknown fault "${name}"; this sandbox knows: ${Object.keys(this.known).join(', ') || 'none'}`);
    this.armed.set(name, (this.armed.get(name) ?? 0) + count);
  }

  /** True (and one fewer armed) when the fault is armed. */
  take(name: string): boolean {
    const n = this.armed.get(name) ?? 0;
    if (n <= 0) return false;
    this.armed.set(name, n - 1);
    return true;
  }

  list(): Array<{ name: string; description: string; armed: number }> {
    return Object.entries(this.known).map(([name, description]) => ({ name, description, armed: this.armed.get(name) ?? 0 }));
  }
}
