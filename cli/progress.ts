/**
 * Anything silent for more than about 2 s shows what it is doing: a cli-progress bar on a
 * terminal (redrawn with the elapsed time), else one line when it starts and one every few seconds
 * while it runs (CI logs, pipes), so a long wait is never mistaken for a hang.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  /** `done` of `total` finished; `detail` says what runs now. */
  update(done: number, detail?: string): void;
  stop(): void;
}

export interface ProgressOptions {
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Seconds between lines when the stream is not a terminal. */
  everySeconds?: number;
  /** What runs first (shown on the first line). */
  detail?: string;
}

export function startProgress(label: string, total: number, options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  let done = 0;
  let detail = options.detail ?? '';
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `${label} {bar} {value}/{total} {detail} ({duration}s)`, stream: stream as NodeJS.WriteStream, clearOnComplete: true, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { detail });
    return {
      update: (n, d) => bar.update(n, { detail: d ?? '' }),
      stop: () => bar.stop(),
    };
  }
  const started = Date.now();
  const line = () => stream.write(`${label}: ${done}/${total}${detail ? ` ${detail}` : ''} (${Math.round((Date.now() - started) / 1000)} s)\n`);
  line();
  const timer = setInterval(line, (options.everySeconds ?? 5) * 1000);
  timer.unref();
  return {
    update: (n, d) => {
      done = n;
      detail = d ?? '';
    },
    stop: () => clearInterval(timer),
  };
}
