/**
 * The webhooks check's local receiver: a real HTTP server that records every delivery exactly as
 * it arrived (raw body bytes, headers, arrival time) and can refuse the first N on purpose, so the
 * check sees the implementation's retries.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedDelivery {
  /** 1-based arrival order. */
  seq: number;
  /** Real epoch ms of arrival. */
  at: number;
  method: string;
  /** Path and query as requested. */
  path: string;
  /** Lower-cased header names (repeated headers joined with ", "). */
  headers: Record<string, string>;
  /** The body exactly as received: signatures are verified over these bytes. */
  body: Buffer;
  /** What the receiver answered. */
  status: number;
}

export interface Receiver {
  /** The URL deliveries should go to (http://host:port/path). */
  url: string;
  readonly deliveries: readonly ReceivedDelivery[];
  /** Answer the next `n` deliveries with `status` (default 500), then 200 again. */
  failFirst(n: number, status?: number): void;
  /** Resolves true as soon as `done()` holds, false after `timeoutMs`. */
  waitFor(done: () => boolean, timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export interface ReceiverOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default: an ephemeral port. */
  port?: number;
  /** Default /accord-webhooks. */
  path?: string;
}

/** Largest body kept (a delivery bigger than this is recorded truncated and answered 413). */
const MAX_BODY_BYTES = 1024 * 1024;

export async function startReceiver(options: ReceiverOptions = {}): Promise<Receiver> {
  const host = options.host ?? '127.0.0.1';
  const basePath = options.path ?? '/accord-webhooks';
  const deliveries: ReceivedDelivery[] = [];
  let failing = 0;
  let failStatus = 500;
  const waiters = new Set<() => void>();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY_BYTES) chunks.push(c);
    });
    req.on('end', () => {
      const status = size > MAX_BODY_BYTES ? 413 : failing > 0 ? (failing--, failStatus) : 200;
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
      deliveries.push({ seq: deliveries.length + 1, at: Date.now(), method: req.method ?? 'POST', path: req.url ?? '/', headers, body: Buffer.concat(chunks), status });
      res.writeHead(status, { 'Content-Type': 'text/plain' });
      res.end(status < 300 ? 'ok' : 'refused on purpose by accord check (retry expected)');
      for (const wake of [...waiters]) wake();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${shownHost}:${port}${basePath}`,
    deliveries,
    failFirst(n, status = 500) {
      failing = n;
      failStatus = status;
    },
    waitFor(done, timeoutMs) {
      if (done()) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const finish = (ok: boolean) => {
          clearTimeout(timer);
          waiters.delete(wake);
          resolve(ok);
        };
        const wake = () => void (done() && finish(true));
        const timer = setTimeout(() => finish(done()), Math.max(0, timeoutMs));
        waiters.add(wake);
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
