/**
 * Work the sandbox does later, in business time: an order moving to PROCESSING, a webhook retry.
 * Jobs live in the store's database (written with the store's group commit), so a restart picks
 * them up where it left off.
 */
import type { SandboxClock } from './clock.ts';
import type { SandboxStore } from './store.ts';

export type JobHandler = (payload: any) => void | Promise<void>;

export class JobScheduler {
  private readonly handlers = new Map<string, { run: JobHandler; concurrent: boolean }>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  // Prepared once: the loop looks for due jobs 50 times a second.
  private readonly insert;
  private readonly next;
  private readonly remove;
  private readonly countAll;

  constructor(
    private readonly store: SandboxStore,
    private readonly clock: SandboxClock,
  ) {
    this.insert = store.db.prepare('INSERT INTO jobs (run_at, name, payload) VALUES (?, ?, ?)');
    this.next = store.db.prepare('SELECT id, name, payload FROM jobs WHERE run_at <= ? ORDER BY run_at, id LIMIT 1');
    this.remove = store.db.prepare('DELETE FROM jobs WHERE id = ?');
    this.countAll = store.db.prepare('SELECT COUNT(*) AS n FROM jobs');
  }

  /**
   * `concurrent` jobs (webhook attempts) run side by side, so one slow receiver does not hold up
   * the rest; the others run one at a time, in order (an order's lifecycle steps).
   */
  register(name: string, handler: JobHandler, options: { concurrent?: boolean } = {}): void {
    this.handlers.set(name, { run: handler, concurrent: options.concurrent ?? false });
  }

  /** Runs `name` with `payload` after `delayMs` of business time. */
  schedule(name: string, payload: unknown, delayMs = 0): void {
    const runAt = Math.floor(this.clock.now() + delayMs);
    const text = JSON.stringify(payload);
    // Part of the caller's transaction: a job of a change that is undone is never scheduled.
    this.store.queueSql(() => this.insert.run(runAt, name, text));
  }

  /** Runs every due job (jobs that schedule others due now run in the same call). */
  runDue(): Promise<number> {
    this.running ??= this.drain().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Runs everything due, including what the jobs themselves make due; resolves when all of it is done. */
  private async drain(): Promise<number> {
    let ran = 0;
    const background: Array<Promise<void>> = [];
    const run = async (name: string, handler: JobHandler, payload: unknown) => {
      try {
        await handler(payload);
      } catch (err) {
        process.stderr.write(`sandbox job ${name} failed: ${(err as Error).message}\n`);
      }
    };
    for (;;) {
      this.store.flush();
      const job = this.next.get(Math.floor(this.clock.now())) as { id: number; name: string; payload: string } | undefined;
      if (!job) {
        if (!background.length) return ran;
        await Promise.all(background.splice(0));
        continue;
      }
      this.remove.run(job.id);
      ran++;
      const handler = this.handlers.get(job.name);
      if (!handler) continue;
      if (handler.concurrent) background.push(run(job.name, handler.run, JSON.parse(job.payload)));
      else await run(job.name, handler.run, JSON.parse(job.payload));
    }
  }

  pending(): number {
    this.store.flush();
    return (this.countAll.get() as { n: number }).n;
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
