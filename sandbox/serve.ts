/**
 * `accord serve`: the sandboxes on 4100 + the provider's offset, state in the data folder (or in
 * memory), test credentials written to the credentials file that `accord check` and the tests read.
 */
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import type { Provider } from '../contracts/providers.ts';
import { basePathOf } from '../runtime/contract.ts';
import { createSandbox, type CreateSandboxOptions, type SandboxInstance } from './app.ts';
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
  providers: Record<string, { baseUrl: string; controlUrl: string; controlToken?: string; credentials: Record<string, SandboxCredential> }>;
}

export interface ServeOptions extends Omit<CreateSandboxOptions, 'baseUrl'> {
  portBase?: number;
  host?: string;
  /** Where to write the credentials file; default <dataDir>/credentials.json when there is a data folder. */
  credentialsFile?: string;
  /** Let the HTTP adapter replace the global Request/Response (faster; only for a process that serves nothing else). */
  replaceGlobalFetchClasses?: boolean;
}

export async function serveSandboxes(providers: readonly Provider[], options: ServeOptions = {}): Promise<{ sandboxes: RunningSandbox[]; credentialsFile: string | undefined; stop(): Promise<void> }> {
  const host = options.host ?? '127.0.0.1';
  const portBase = options.portBase ?? SANDBOX_PORT_BASE;
  const sandboxes: RunningSandbox[] = [];
  for (const provider of providers) {
    const declaration = SANDBOXES[provider.id];
    if (!declaration) continue;
    const port = portBase + provider.portOffset;
    const url = `http://${host}:${port}`;
    const baseUrl = url + basePathOf(declaration.contract);
    const instance = createSandbox(provider, declaration, { ...options, baseUrl });
    const server = await new Promise<ServerType>((resolve, reject) => {
      // The adapter's own Request/Response are about 3× cheaper per request, but they replace the
      // globals: only a process that runs nothing but the sandboxes (accord serve) takes them.
      const s = serve({ fetch: instance.handle, port, hostname: host, overrideGlobalObjects: options.replaceGlobalFetchClasses ?? false }, () => resolve(s));
      s.once('error', reject);
    });
    const actual = (server.address() as AddressInfo).port;
    instance.start();
    sandboxes.push({ provider: provider.id, url: `http://${host}:${actual}`, baseUrl, instance, server });
  }
  const file: CredentialsFile = {
    format: CREDENTIALS_FORMAT,
    providers: Object.fromEntries(sandboxes.map((s) => [s.provider, { baseUrl: s.baseUrl, controlUrl: `${s.url}/_accord`, credentials: s.instance.credentials }])),
  };
  const credentialsFile = options.credentialsFile ?? (options.dataDir ? path.join(options.dataDir, 'credentials.json') : undefined);
  if (credentialsFile) {
    fs.mkdirSync(path.dirname(credentialsFile), { recursive: true });
    fs.writeFileSync(credentialsFile, JSON.stringify(file, null, 2) + '\n', { mode: 0o600 });
  }
  return {
    sandboxes,
    credentialsFile,
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
