/**
 * Prism mocks for the four providers, one Prism process per spec (Prism serves one spec per
 * process), on fixed ports: 4010 + the provider's offset.
 *
 * Prism matches request paths against `paths` without the server's base path, while every real
 * environment (and the generated clients) put the provider's base path (`/api/v1`) in front. So
 * each mock serves a derived copy of the bundled spec whose paths carry the accord-mock server's
 * base path: the same client works against the mock, the sandbox and production.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { mockFront } from './front.ts';
import { resolveOptional } from '../packaging/optional.ts';
import { bundleSpec } from '../contracts/bundle.ts';
import type { Provider } from '../contracts/providers.ts';

export const MOCK_PORT_BASE = 4010;
const READY_TIMEOUT_MS = 60_000;

export interface MockOptions {
  portBase?: number;
  /** Prism's dynamic mode: responses generated from the schemas instead of the examples. */
  dynamic?: boolean;
  /** Seed for dynamic mode, for repeatable responses. */
  seed?: string;
  host?: string;
  /** Receives Prism's own log lines (default: dropped). */
  log?: (provider: string, line: string) => void;
  /** Called as each mock starts answering (Prism takes 10-30 s to start). */
  onReady?: (provider: string) => void;
}

export interface RunningMock {
  provider: string;
  port: number;
  /** Base URL including the provider's base path, ready for a generated client. */
  url: string;
  process: ChildProcess;
  /** The port Prism itself listens on (loopback only): the public port is accord's router in front of it (mocks/front.ts). */
  prismPort: number;
  front: ServerType;
}

export interface MockSet {
  mocks: RunningMock[];
  stop(): Promise<void>;
}

/** The bundled spec with its paths moved under the accord-mock server's base path, for Prism. */
export async function prismSpec(provider: Provider): Promise<{ spec: any; basePath: string }> {
  const doc = await bundleSpec(provider.specPath);
  const server = (doc.servers ?? []).find((s: any) => s['x-environment'] === 'accord-mock') ?? doc.servers?.[0];
  const url = String(server?.url ?? '').replace(/\{([^}]+)\}/g, (_m, v) => server?.variables?.[v]?.default ?? v);
  const basePath = url ? new URL(url).pathname.replace(/\/$/, '') : '';
  const paths = Object.fromEntries(Object.entries(doc.paths ?? {}).map(([p, item]) => [basePath + p, item]));
  // Prism serves what `paths` says; the prefixed copy has no servers so it matches from the root.
  return { spec: { ...doc, servers: [{ url: '/' }], paths }, basePath };
}

function prismBin(): string {
  return path.join(path.dirname(resolveOptional(import.meta.url, '@stoplight/prism-cli/package.json')), 'dist', 'index.js');
}

/** A mock's port is taken by another process: `accord mock` says so in one line (exit 2). */
export class MockPortInUseError extends Error {
  constructor(
    readonly provider: string,
    readonly port: number,
  ) {
    super(`port ${port} (${provider} mock) is in use: stop what listens there or choose another --port-base`);
    this.name = 'MockPortInUseError';
  }
}

/** Resolves when nothing listens on host:port (it binds and lets go), else MockPortInUseError. */
function assertPortFree(provider: string, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'EADDRINUSE' || err.code === 'EACCES' ? new MockPortInUseError(provider, port) : err));
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

/** A loopback port nothing listens on right now, for Prism behind the front. */
function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const port = (probe.address() as net.AddressInfo).port;
      probe.close(() => resolve(port));
    });
  });
}

/** Every mock's public port is free, else MockPortInUseError (before anything starts). */
export async function assertPortsFree(providers: readonly Provider[], portBase: number, host = '127.0.0.1'): Promise<void> {
  for (const provider of providers) await assertPortFree(provider.id, portBase + provider.portOffset, host);
}

async function waitForPort(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Prism exited with code ${child.exitCode} before listening on ${url}`);
    try {
      await fetch(url, { signal: AbortSignal.timeout(1000) });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`Prism did not listen on ${url} within ${READY_TIMEOUT_MS / 1000} s`);
}

/** Starts one Prism per provider and resolves when all of them answer. */
export async function startMocks(providers: readonly Provider[], options: MockOptions = {}): Promise<MockSet> {
  const portBase = options.portBase ?? MOCK_PORT_BASE;
  const host = options.host ?? '127.0.0.1';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-mock-'));
  const mocks: RunningMock[] = [];
  const stop = async () => {
    await Promise.all(
      mocks.map(
        (m) =>
          new Promise<void>((resolve) => {
            m.front.close();
            if (m.process.exitCode !== null || m.process.signalCode !== null) return resolve();
            m.process.once('exit', () => resolve());
            m.process.kill('SIGTERM');
            setTimeout(() => m.process.kill('SIGKILL'), 5000).unref();
          }),
      ),
    );
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    // Prism itself would start, print nothing and exit 13 on a taken port; while the other
    // process answers, the mock would even look ready. So the ports are checked first.
    await assertPortsFree(providers, portBase, host);
    for (const provider of providers) {
      const { spec, basePath } = await prismSpec(provider);
      const file = path.join(dir, `${provider.id}.json`);
      fs.writeFileSync(file, JSON.stringify(spec));
      const port = portBase + provider.portOffset;
      const prismPort = await freeLoopbackPort();
      const args = [prismBin(), 'mock', file, '--port', String(prismPort), '--host', '127.0.0.1', '--errors', 'false'];
      if (options.dynamic) args.push('--dynamic');
      if (options.seed !== undefined) args.push('--seed', options.seed);
      const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
      for (const stream of [child.stdout, child.stderr]) {
        stream?.setEncoding('utf8');
        stream?.on('data', (chunk: string) => chunk.split('\n').filter(Boolean).forEach((line) => options.log?.(provider.id, line)));
      }
      const front = await new Promise<ServerType>((resolve, reject) => {
        // the global Request/Response stay as they are: tests and clients share this process
        const server = serve({ fetch: mockFront(provider, `http://127.0.0.1:${prismPort}`).fetch, port, hostname: host, overrideGlobalObjects: false }, () => resolve(server));
        server.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'EADDRINUSE' ? new MockPortInUseError(provider.id, port) : err));
      });
      mocks.push({ provider: provider.id, port, prismPort, front, url: `http://${host === '0.0.0.0' ? 'localhost' : host}:${port}${basePath}`, process: child });
    }
    await Promise.all(mocks.map((m) => waitForPort(`http://127.0.0.1:${m.prismPort}/`, m.process).then(() => options.onReady?.(m.provider))));
  } catch (err) {
    await stop();
    throw err;
  }
  return { mocks, stop };
}
