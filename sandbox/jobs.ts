/**
 * Work the sandbox does later, in business time: an order moving to PROCESSING, a webhook retry.
 * Jobs are store records (kind `accord_job`), so they are part of the caller's transaction (a job
 * of a change that is undone never runs), they are committed with everything else, and a restart
 * picks them up where it left off. A priority queue over (due time, sequence) finds the next one.
 */
import TinyQueue from 'tinyqueue';
import type { SandboxClock } from './clock.ts';
import type { SandboxStore } from './store.ts';

export type JobHandler = (payload: any) => void | Promise<void>;

export const JOB_KIND = 'accord_job';

interface JobRecord {
  seq: number;
  runAt: number;
  name: string;
  payload: unknown;
}

/** Record ids sort like their sequence numbers. */
const jobId = (seq: number) => seq.toString(36).padStart(10, '0');

export class JobScheduler {
  private readonly handlers = new Map<string, { run: JobHandler; concurrent: boolean }>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  /** Due order; an entry whose record is gone (undone, already run) is skipped when it comes up. */
  private readonly queue = new TinyQueue<JobRecord>([], (a, b) => a.runAt - b.runAt || a.seq - b.seq);
  private seq = 0;

  constructor(
    private readonly store: SandboxStore,
    private readonly clock: SandboxClock,
  ) {
    for (const job of store.list<JobRecord>(JOB_KIND)) {
      this.queue.push(job);
      this.seq = Math.max(this.seq, job.seq);
    }
    // Jobs a data folder from before jobs were records still holds in its own table.
    for (const legacy of store.takeLegacyJobs()) this.add(legacy.runAt, legacy.name, legacy.payload);
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
    this.add(Math.floor(this.clock.now() + delayMs), name, payload);
  }

  private add(runAt: number, name: string, payload: unknown): void {
    const job: JobRecord = { seq: ++this.seq, runAt, name, payload };
    this.store.put(JOB_KIND, jobId(job.seq), job);
    this.queue.push(job);
  }

  /** The next due job, taken out of the store; undefined when none is due. */
  private takeDue(now: number): JobRecord | undefined {
    for (;;) {
      const next = this.queue.peek();
      if (!next || next.runAt > now) return undefined;
      this.queue.pop();
      if (this.store.delete(JOB_KIND, jobId(next.seq))) return next;
    }
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
      const job = this.takeDue(Math.floor(this.clock.now()));
      if (!job) {
        if (!background.length) return ran;
        await Promise.all(background.splice(0));
        continue;
      }
      ran++;
      const handler = this.handlers.get(job.name);
      if (!handler) continue;
      if (handler.concurrent) background.push(run(job.name, handler.run, job.payload));
      else await run(job.name, handler.run, job.payload);
    }
  }

  pending(): number {
    return this.store.count(JOB_KIND);
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
