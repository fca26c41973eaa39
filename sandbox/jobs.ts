/**
 * Work the sandbox does later, in business time: an order moving to PROCESSING, a webhook retry.
 * Jobs live in the store, so a restart picks them up where it left off.
 */
import type { SandboxClock } from './clock.ts';
import type { SandboxStore } from './store.ts';

export type JobHandler = (payload: any) => void | Promise<void>;

export class JobScheduler {
  private readonly handlers = new Map<string, JobHandler>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    private readonly store: SandboxStore,
    private readonly clock: SandboxClock,
  ) {}

  register(name: string, handler: JobHandler): void {
    this.handlers.set(name, handler);
  }

  /** Runs `name` with `payload` after `delayMs` of business time. */
  schedule(name: string, payload: unknown, delayMs = 0): void {
    this.store.db.prepare('INSERT INTO jobs (run_at, name, payload) VALUES (?, ?, ?)').run(Math.floor(this.clock.now() + delayMs), name, JSON.stringify(payload));
  }

  /** Runs every due job (jobs that schedule others due now run in the same call). */
  runDue(): Promise<number> {
    this.running ??= this.drain().finally(() => (this.running = undefined));
    return this.running;
  }

  private async drain(): Promise<number> {
    let ran = 0;
    const next = this.store.db.prepare('SELECT id, name, payload FROM jobs WHERE run_at <= ? ORDER BY run_at, id LIMIT 1');
    const remove = this.store.db.prepare('DELETE FROM jobs WHERE id = ?');
    for (;;) {
      const job = next.get(Math.floor(this.clock.now())) as { id: number; name: string; payload: string } | undefined;
      if (!job) return ran;
      remove.run(job.id);
      const handler = this.handlers.get(job.name);
      try {
        await handler?.(JSON.parse(job.payload));
      } catch (err) {
        process.stderr.write(`sandbox job ${job.name} failed: ${(err as Error).message}\n`);
      }
      ran++;
    }
  }

  pending(): number {
    return (this.store.db.prepare('SELECT COUNT(*) AS n FROM jobs').get() as { n: number }).n;
  }

  start(intervalMs = 20): void {
    this.timer ??= setInterval(() => void this.runDue(), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
