/**
 * `accord serve`: the sandboxes on 4100 + the provider's offset, state in the data folder (or in
 * memory), test credentials written to the credentials file that `accord check` and the tests read.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { getRequestListener, type ServerType } from '@hono/node-server';
import type { Provider } from '../contracts/providers.ts';
import { basePathOf } from '../runtime/contract.ts';
import { createSandbox, type CreateSandboxOptions, type SandboxInstance } from './app.ts';
import { adapterErrorHandler, clientErrorHandler, edgeListener } from './http-edge.ts';
import { SANDBOXES } from './registry.ts';
import type { SandboxCredential } from './provider.ts';

export const SANDBOX_PORT_BASE = 4100;
export const CREDENTIALS_FORMAT = 'accord-sandbox-credentials/1';

export interface RunningSandbox {
  provider: string;
  url: string;
  baseUrl: string;
  instance: SandboxInstance;
  server: ServerType;
}

/** The credentials file: documented in README.md (Sandboxes). */
export interface CredentialsFile {
  format: typeof CREDENTIALS_FORMAT;
  /** controlToken: present when the sandbox listens beyond loopback; send it in X-Accord-Control-Token. */
  providers: Record<string, { baseUrl: string; controlUrl: string; controlToken?: string; credentials: Record<string, SandboxCredential> }>;
}

/** Loopback addresses: only this machine can reach them, so the control API needs no token there. */
export const isLoopback = (host: string) => host === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(host) || host === '::1' || host === '[::1]';

/** A fresh control token: 32 random bytes, base64url, with a prefix that says what it is. */
export const newControlToken = () => `act_${randomBytes(32).toString('base64url')}`;

export interface ServeOptions extends Omit<CreateSandboxOptions, 'baseUrl'> {
  portBase?: number;
  host?: string;
  /** Where to write the credentials file; default <dataDir>/credentials.json when there is a data folder. */
  credentialsFile?: string;
  /**
   * The control API's token. Default: none on loopback, a fresh one on any other address (a
   * shared sandbox must not hand its credentials, or its clock, to anyone who can reach it).
   */
  controlToken?: string;
  /** Let the HTTP adapter replace the global Request/Response (faster; only for a process that serves nothing else). */
  replaceGlobalFetchClasses?: boolean;
}

export async function serveSandboxes(providers: readonly Provider[], options: ServeOptions = {}): Promise<{ sandboxes: RunningSandbox[]; credentialsFile: string | undefined; controlToken: string | undefined; stop(): Promise<void> }> {
  const host = options.host ?? '127.0.0.1';
  const portBase = options.portBase ?? SANDBOX_PORT_BASE;
  const controlToken = options.controlToken ?? (isLoopback(host) ? undefined : newControlToken());
  const sandboxes: RunningSandbox[] = [];
  for (const provider of providers) {
    const declaration = SANDBOXES[provider.id];
    if (!declaration) continue;
    // Port base 0: every sandbox on a free port (tests).
    const port = portBase === 0 ? 0 : portBase + provider.portOffset;
    let baseUrl = `http://${host}:${port}${basePathOf(declaration.contract)}`;
    const instance = createSandbox(provider, declaration, { ...options, baseUrl, ...(controlToken ? { controlToken } : {}) });
    const server = await new Promise<ServerType>((resolve, reject) => {
      // The adapter's own Request/Response are about 3× cheaper per request, but they replace the
      // globals: only a process that runs nothing but the sandboxes (accord serve) takes them.
      const listener = getRequestListener(instance.handle, { hostname: host, overrideGlobalObjects: options.replaceGlobalFetchClasses ?? false, errorHandler: adapterErrorHandler(declaration.http) });
      // No Host: refused by edgeListener in the provider's envelope (Node's own 400 has no body).
      const s = http.createServer({ requireHostHeader: false }, edgeListener(declaration.http, listener));
      s.on('clientError', clientErrorHandler(declaration.http));
      s.once('error', reject);
      s.listen(port, host, () => resolve(s));
    });
    const actual = (server.address() as AddressInfo).port;
    const url = `http://${host}:${actual}`;
    baseUrl = instance.ctx.baseUrl = url + basePathOf(declaration.contract);
    instance.start();
    sandboxes.push({ provider: provider.id, url, baseUrl, instance, server });
  }
  const file: CredentialsFile = {
    format: CREDENTIALS_FORMAT,
    providers: Object.fromEntries(sandboxes.map((s) => [s.provider, { baseUrl: s.baseUrl, controlUrl: `${s.url}/_accord`, ...(controlToken ? { controlToken } : {}), credentials: s.instance.credentials }])),
  };
  const credentialsFile = options.credentialsFile ?? (options.dataDir ? path.join(options.dataDir, 'credentials.json') : undefined);
  if (credentialsFile) {
    fs.mkdirSync(path.dirname(credentialsFile), { recursive: true });
    fs.writeFileSync(credentialsFile, JSON.stringify(file, null, 2) + '\n', { mode: 0o600 });
  }
  return {
    sandboxes,
    credentialsFile,
    controlToken,
    stop: async () => {
      for (const s of sandboxes) {
        await new Promise<void>((resolve) => s.server.close(() => resolve()));
        await s.instance.close();
      }
    },
  };
}

/** "sk_test_3f9a…" — enough to recognise a credential, never enough to use it. */
export const mask = (value: string) => (value.length <= 8 ? '…' : `${value.slice(0, Math.min(12, value.length - 6))}…`);
