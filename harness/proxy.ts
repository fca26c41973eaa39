/**
 * Prism's validation proxy (`prism proxy`) in front of any implementation of a provider contract:
 * every request and answer passing through is validated against the spec. Prism reports what
 * breaks the spec in an `sl-violations` header on the answer (a JSON array of
 * `{location, severity, code, message}`) and in its log; with `errors: true` it answers a request
 * that breaks the spec itself (401/422) instead of forwarding it.
 *
 * The proxy serves the same base-path-prefixed copy of the spec as `accord mock`
 * (mocks/prism.ts prismSpec()), so a client uses the same base URL shape as against the sandbox.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { resolveOptional } from '../packaging/optional.ts';
import os from 'node:os';
import path from 'node:path';
import type { Provider } from '../contracts/providers.ts';
import { prismSpec } from '../mocks/prism.ts';

const READY_TIMEOUT_MS = 60_000;

export interface ProxyOptions {
  /** The implementation: its base URL, with or without the provider's base path. */
  upstream: string;
  /** Default: a free port. */
  port?: number;
  host?: string;
  /** Prism answers requests that break the spec itself instead of forwarding them. */
  errors?: boolean;
  /** Receives Prism's log lines. */
  log?: (line: string) => void;
}

export interface RunningProxy {
  /** The proxy's base URL, with the provider's base path: use it where the implementation's was. */
  url: string;
  port: number;
  /** Where Prism forwards to (the upstream without the base path the spec's paths carry). */
  upstream: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** One violation Prism reports in `sl-violations`. */
export interface PrismViolation {
  location: string[];
  severity: string;
  code: string | number;
  message: string;
}

/** Parses an `sl-violations` header (none: an empty list). */
export function violationsOf(headers: Headers): PrismViolation[] {
  const raw = headers.get('sl-violations');
  if (!raw) return [];
  try {
    const parsed = JSON.parse(raw);
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    return [{ location: ['sl-violations'], severity: 'Error', code: 'unparsable', message: raw }];
  }
}

function prismBin(): string {
  return path.join(path.dirname(resolveOptional(import.meta.url, '@stoplight/prism-cli/package.json')), 'dist', 'index.js');
}

async function freePort(host: string): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const port = (s.address() as import('node:net').AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** The upstream Prism forwards to: the spec's paths already carry the base path, so it is dropped from the URL. */
export function upstreamFor(upstream: string, basePath: string): string {
  const url = new URL(upstream);
  const p = url.pathname.replace(/\/$/, '');
  if (basePath && p.endsWith(basePath)) url.pathname = p.slice(0, p.length - basePath.length) || '/';
  return url.toString().replace(/\/$/, '');
}

export async function startProxy(provider: Provider, options: ProxyOptions): Promise<RunningProxy> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? (await freePort(host));
  const { spec, basePath } = await prismSpec(provider);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-proxy-'));
  const file = path.join(dir, `${provider.id}.json`);
  fs.writeFileSync(file, JSON.stringify(spec));
  const upstream = upstreamFor(options.upstream, basePath);
  const args = [prismBin(), 'proxy', file, upstream, '--port', String(port), '--host', host, '--errors', String(Boolean(options.errors))];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
  let ready = false;
  let exited = false;
  child.once('exit', () => (exited = true));
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) =>
      chunk.split('\n').filter(Boolean).forEach((line) => {
        if (line.includes('Prism is listening')) ready = true;
        options.log?.(line);
      }),
    );
  }
  const stop = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        fs.rmSync(dir, { recursive: true, force: true });
        resolve();
      };
      if (exited) return done();
      child.once('exit', done);
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!ready) {
    if (exited) {
      await stop();
      throw new Error(`Prism's proxy exited before listening on ${host}:${port}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`Prism's proxy did not listen on ${host}:${port} within ${READY_TIMEOUT_MS / 1000} s`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url: `http://${host === '0.0.0.0' ? 'localhost' : host}:${port}${basePath}`, port, upstream, process: child, stop };
}
