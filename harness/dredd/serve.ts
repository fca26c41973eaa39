/**
 * accord's sandboxes in memory on free ports, for tools that need a real URL (Dredd, Prism's
 * proxy): the port is taken first (listen on 0), so the sandbox knows its own base URL. A caller
 * may change the declaration or wrap the app's fetch (the mutants of test/mutants/ do).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { getProvider, type ProviderId } from '../../contracts/providers.ts';
import { basePathOf, type Contract } from '../../runtime/contract.ts';
import { createSandbox, type CreateSandboxOptions, type SandboxInstance } from '../../sandbox/app.ts';
import type { ProviderSandbox, SandboxCredential } from '../../sandbox/provider.ts';
import { SANDBOXES } from '../../sandbox/registry.ts';
import { CREDENTIALS_FORMAT, type CredentialsFile } from '../../sandbox/serve.ts';

/** What a fetch wrapper may know about the sandbox it wraps. */
export interface SandboxEnv {
  contract: Contract;
  /** Base path of the provider's URLs (`/api/v1`, or empty). */
  basePath: string;
  credentials: Record<string, SandboxCredential>;
}

export interface SandboxVariant {
  /** Options for createSandbox (rate-limit scale, …); baseUrl is set here. */
  sandbox?: CreateSandboxOptions;
  declaration?: (declaration: ProviderSandbox) => ProviderSandbox;
  wrap?: (send: typeof fetch, env: SandboxEnv) => typeof fetch;
  /** Run the background jobs (order lifecycle, webhook retries), as `accord serve` does. Default true. */
  start?: boolean;
}

export interface ServedSandbox {
  provider: ProviderId;
  /** Base URL including the provider's base path. */
  baseUrl: string;
  controlUrl: string;
  credentials: Record<string, SandboxCredential>;
  instance: SandboxInstance;
  close(): Promise<void>;
}

/** The declaration, sandbox instance and (possibly wrapped) fetch of a provider's sandbox. */
export function buildSandbox(id: ProviderId, baseUrl: string, variant: SandboxVariant = {}): { instance: SandboxInstance; fetch: typeof fetch; env: SandboxEnv } {
  const base = SANDBOXES[id];
  if (!base) throw new Error(`no sandbox for ${id}`);
  const declaration = variant.declaration ? variant.declaration(base) : base;
  const instance = createSandbox(getProvider(id), declaration, { ...variant.sandbox, baseUrl });
  if (variant.start !== false) instance.start();
  const env: SandboxEnv = { contract: declaration.contract, basePath: basePathOf(declaration.contract), credentials: instance.credentials };
  return { instance, fetch: variant.wrap ? variant.wrap(instance.fetch, env) : instance.fetch, env };
}

/** A fetch handler on a free port: `origin` is http://host:port. */
export async function listenFetch(handler: (req: Request) => Promise<Response>, host = '127.0.0.1'): Promise<{ origin: string; close(): Promise<void> }> {
  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  // The listener's requests are node-server's own light objects: the handler gets a standard Request.
  const toRequest = async (req: Request) =>
    new Request(req.url, { method: req.method, headers: req.headers, ...(req.method === 'GET' || req.method === 'HEAD' ? {} : { body: await req.arrayBuffer() }) });
  server.on('request', getRequestListener(async (req) => handler(await toRequest(req)), { overrideGlobalObjects: false }));
  return {
    origin: `http://${host}:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export async function serveSandbox(id: ProviderId, variant: SandboxVariant = {}, host = '127.0.0.1'): Promise<ServedSandbox> {
  let built: ReturnType<typeof buildSandbox> | undefined;
  const listening = await listenFetch((req) => built!.fetch(req), host);
  const baseUrl = listening.origin + basePathOf(SANDBOXES[id]!.contract);
  built = buildSandbox(id, baseUrl, variant);
  const { instance } = built;
  return {
    provider: id,
    baseUrl,
    controlUrl: `${listening.origin}/_accord`,
    credentials: instance.credentials,
    instance,
    close: async () => {
      await listening.close();
      await instance.close();
    },
  };
}

/** The credentials file (`accord serve`'s format) for served sandboxes. */
export function credentialsFileFor(served: readonly ServedSandbox[]): CredentialsFile {
  return {
    format: CREDENTIALS_FORMAT,
    providers: Object.fromEntries(served.map((s) => [s.provider, { baseUrl: s.baseUrl, controlUrl: s.controlUrl, credentials: s.credentials }])),
  };
}
