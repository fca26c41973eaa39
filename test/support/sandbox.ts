/**
 * Test harness for the sandboxes: a sandbox in memory (or on disk), reached in process through
 * the generated clients' `fetch` option, its control API, and a real HTTP webhook receiver.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { getProvider, type ProviderId } from '../../contracts/providers.ts';
import { serverUrl } from '../../runtime/contract.ts';
import { createSandbox, type CreateSandboxOptions, type SandboxInstance } from '../../sandbox/app.ts';
import type { ResponseViolation } from '../../runtime/server/router.ts';
import { SANDBOXES } from '../../sandbox/registry.ts';

export interface TestSandbox {
  instance: SandboxInstance;
  /** Base URL the clients use (never dialled: requests go to the app in process). */
  baseUrl: string;
  /** A fetch that serves requests from the sandbox app. */
  fetch: typeof fetch;
  /** Every response that did not match the spec (the tests assert this stays empty). */
  violations: ResponseViolation[];
  control<T = any>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

export async function startTestSandbox(id: ProviderId, options: CreateSandboxOptions = {}): Promise<TestSandbox> {
  const provider = getProvider(id);
  const declaration = SANDBOXES[id];
  if (!declaration) throw new Error(`no sandbox for ${id}`);
  const baseUrl = serverUrl(declaration.contract, 'accord-sandbox');
  const violations: ResponseViolation[] = [];
  const instance = createSandbox(provider, declaration, {
    validateResponses: true,
    onResponseViolation: (v) => violations.push(v),
    ...options,
    baseUrl,
  });
  const appFetch = instance.fetch;
  const origin = new URL(baseUrl).origin;
  return {
    instance,
    baseUrl,
    fetch: appFetch,
    violations,
    async control(method, path, body) {
      const res = await appFetch(`${origin}/_accord${path}`, { method, headers: { 'Content-Type': 'application/json' }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
      const json = await res.json();
      if (res.status >= 400) throw new Error(`control ${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
      return json;
    },
    close: () => instance.close(),
  };
}

export interface ReceivedDelivery {
  headers: Record<string, string>;
  body: string;
  status: number;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedDelivery[];
  /** Answer the next `n` deliveries with `status` (default 500). */
  failNext(n: number, status?: number): void;
  /** Answer the next `n` deliveries only after `ms` (a slow receiver). */
  delayNext(n: number, ms: number): void;
  close(): Promise<void>;
}

/** A real HTTP receiver on an ephemeral port: records every delivery and can fail on purpose. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedDelivery[] = [];
  let failing = 0;
  let failStatus = 500;
  let slow = 0;
  let slowMs = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const status = failing > 0 ? (failing--, failStatus) : 200;
      const delay = slow > 0 ? (slow--, slowMs) : 0;
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v)]));
      received.push({ headers, body: Buffer.concat(chunks).toString('utf8'), status });
      setTimeout(() => {
        res.writeHead(status, { 'Content-Type': 'text/plain' });
        res.end(status < 300 ? 'ok' : 'failing on purpose');
      }, delay);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    failNext(n, status = 500) {
      failing = n;
      failStatus = status;
    },
    delayNext(n, ms) {
      slow = n;
      slowMs = ms;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Waits until `check` holds, polling (for asynchronous webhook deliveries). */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}
