/**
 * The small transforms mutants are made of: each wraps an implementation's fetch (requests in,
 * answers out) to break one property. The control API (`/_accord…`) always passes untouched.
 */
import { createPublicKey, randomUUID } from 'node:crypto';
import type { ProviderSandbox, SandboxCredential } from '../../sandbox/provider.ts';
import type { Contract, ContractOperation } from '../../runtime/contract.ts';
import { sign, verify } from '../../signing/engine.ts';
import { getHeader } from '../../signing/headers.ts';
import { getScheme } from '../../signing/schemes/index.ts';
import type { SchemeDeclaration, SchemeId } from '../../signing/types.ts';

/** What a transform may know about the implementation it breaks. */
export interface MutantEnv {
  contract: Contract;
  /** The implementation's base path (`/api/v1`). */
  basePath: string;
  /** Its test credentials by role (a broken verifier needs the keys a real one has). */
  credentials: Record<string, SandboxCredential>;
}

export type Send = typeof fetch;
export type Wrap = (send: Send, env: MutantEnv) => Send;
export type DeclarationChange = (declaration: ProviderSandbox) => ProviderSandbox;

const isControl = (req: Request) => new URL(req.url).pathname.startsWith('/_accord');

/** The most general transform: sees each request and the implementation, answers in its place. */
export function intercept(handler: (req: Request, send: (req: Request) => Promise<Response>, env: MutantEnv) => Promise<Response>): Wrap {
  return (send, env) =>
    (async (input: RequestInfo | URL, init?: RequestInit) => {
      const req = new Request(input, init);
      if (isControl(req)) return send(req);
      return handler(req, (r) => send(r), env);
    }) as Send;
}

/** Changes each request before the implementation sees it. */
export const onRequest = (change: (req: Request, env: MutantEnv) => Request | Promise<Request>): Wrap => intercept(async (req, send, env) => send(await change(req, env)));

/** Changes each answer before the client sees it. */
export const onResponse = (change: (res: Response, req: Request, env: MutantEnv) => Response | Promise<Response>): Wrap =>
  intercept(async (req, send, env) => change(await send(req.clone()), req, env));

/** An answer with new headers or body, the rest kept. */
export function rebuild(res: Response, body: string | null, change: (headers: Headers) => void = () => {}, status = res.status): Response {
  const headers = new Headers(res.headers);
  headers.delete('content-length');
  change(headers);
  return new Response(status === 204 || status === 304 ? null : body, { status, headers });
}

/** Rewrites JSON answers: `change` returns the new body (or the same one). */
export const onJson = (change: (body: any, status: number, req: Request) => unknown): Wrap =>
  onResponse(async (res, req) => {
    if (!(res.headers.get('content-type') ?? '').includes('json')) return res;
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return rebuild(res, text);
    }
    return rebuild(res, JSON.stringify(change(body, res.status, req)));
  });

/** Drops a header from every answer. */
export const dropResponseHeader = (name: string): Wrap => onResponse(async (res) => rebuild(res, await res.text(), (h) => h.delete(name)));

/** Applies `change` to every value under `key` anywhere in a JSON value. */
export function mapKey(value: unknown, key: string, change: (v: unknown) => unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => mapKey(v, key, change));
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === key ? change(v) : mapKey(v, key, change)]));
}

/** The operation a request is for (method and path template under the base path). */
export function operationOf(req: Request, env: MutantEnv): ContractOperation | undefined {
  const path = new URL(req.url).pathname.slice(env.basePath.length);
  const method = req.method.toLowerCase();
  return env.contract.operations.find((o) => o.method === method && new RegExp(`^${o.path.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path));
}

// ---- signatures ----------------------------------------------------------------------------

/** The signing role whose credentials the request carries (every plain auth header matches). */
export function signerOf(req: Request, env: MutantEnv): SandboxCredential | undefined {
  const plain = env.contract.auth.filter((a) => !a.computed);
  return Object.values(env.credentials).find((cred) => {
    if (!cred.signing) return false;
    const sent = plain.filter((a) => req.headers.has(a.header));
    return sent.length > 0 && sent.every((a) => req.headers.get(a.header) === a.prefix + (cred.credentials[a.credential] ?? ''));
  });
}

/** The timestamp a signed request carries, or undefined when it is not signed. */
export function signedTimestamp(req: Request, scheme: SchemeDeclaration): number | undefined {
  const signature = getHeader(req.headers, scheme.signatureHeader);
  if (!signature) return undefined;
  const inHeader = scheme.signatureFormat === 't-v1' ? /(?:^|,)\s*t=(\d+)/.exec(signature)?.[1] : undefined;
  const text = inHeader ?? (scheme.timestampHeader ? getHeader(req.headers, scheme.timestampHeader) : undefined);
  return text && /^\d+$/.test(text) ? Number(text) : undefined;
}

export const bodyOf = async (req: Request): Promise<Uint8Array<ArrayBuffer>> => new Uint8Array(await req.clone().arrayBuffer());

const keysOf = (cred: SandboxCredential) => ({
  ...(cred.signing!.secret !== undefined ? { secret: cred.signing!.secret } : {}),
  ...(cred.signing!.privateKey !== undefined ? { privateKey: cred.signing!.privateKey } : {}),
});

/** The request signed again by `cred` with `timestamp`, over the bytes it carries now. */
export function resigned(req: Request, body: Uint8Array, cred: SandboxCredential, timestamp: number): Request {
  const url = new URL(req.url);
  const signed = sign(cred.signing!.scheme as SchemeId, { method: req.method, path: url.pathname, query: url.search.slice(1), body, timestamp, ...keysOf(cred) });
  const headers = new Headers(req.headers);
  for (const [k, v] of Object.entries(signed.headers)) headers.set(k, v);
  return new Request(req.url, { method: req.method, headers, ...(body.byteLength ? { body: body as Uint8Array<ArrayBuffer> } : {}) });
}

/** True when the signature is right for the request as sent, whatever its age. */
export function validIgnoringTime(req: Request, body: Uint8Array, cred: SandboxCredential): boolean {
  const url = new URL(req.url);
  const { secret, privateKey } = keysOf(cred);
  try {
    verify(cred.signing!.scheme, {
      method: req.method,
      path: url.pathname,
      query: url.search.slice(1),
      headers: req.headers,
      body,
      toleranceSeconds: Number.MAX_SAFE_INTEGER,
      ...(secret !== undefined ? { secret } : {}),
      ...(privateKey !== undefined ? { publicKey: createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString() } : {}),
    });
    return true;
  } catch {
    return false;
  }
}

export const schemeOf = (cred: SandboxCredential) => getScheme(cred.signing!.scheme);
export const nowSeconds = () => Math.floor(Date.now() / 1000);
export const freshKey = (key: string) => `${key}-${randomUUID()}`;

// ---- credentials ---------------------------------------------------------------------------

/** Whether the request carries `role`'s plain credentials (every plain auth header it sends matches). */
export function carriesRole(req: Request, env: MutantEnv, role: string): boolean {
  const cred = env.credentials[role];
  if (!cred) return false;
  const sent = env.contract.auth.filter((a) => !a.computed && req.headers.has(a.header));
  return sent.length > 0 && sent.every((a) => req.headers.get(a.header) === a.prefix + (cred.credentials[a.credential] ?? ''));
}

/**
 * A request made with `from`'s credentials is passed on as `to`'s (re-signed with `to`'s keys,
 * timestamp kept): the server treats one credential as another. `to` may be a function of the
 * credential values (a key that is issued to no one).
 */
export const treatRoleAs = (from: string, to: string | ((value: string) => string)): Wrap =>
  onRequest(async (req, env) => {
    if (!carriesRole(req, env, from)) return req;
    const headers = new Headers(req.headers);
    const target = typeof to === 'string' ? env.credentials[to] : undefined;
    for (const a of env.contract.auth.filter((x) => !x.computed)) {
      if (!headers.has(a.header)) continue;
      const value = target ? target.credentials[a.credential] : (to as (v: string) => string)(env.credentials[from]!.credentials[a.credential] ?? '');
      if (value === undefined) headers.delete(a.header);
      else headers.set(a.header, a.prefix + value);
    }
    const moved = new Request(req, { headers });
    const fromCred = env.credentials[from]!;
    const ts = fromCred.signing ? signedTimestamp(req, schemeOf(fromCred)) : undefined;
    return target?.signing && ts !== undefined ? resigned(moved, await bodyOf(req), target, ts) : moved;
  });

// ---- headers -------------------------------------------------------------------------------

/** Changes the pagination headers of every paginated answer (`total`, `perPage`, `page` as the server sent them). */
export const pageHeaders = (change: (sent: { total: number; perPage: number; page: number }) => Record<string, string>): Wrap =>
  onResponse(async (res) => {
    if (!res.headers.has('X-Total-Count') || !res.headers.has('X-Per-Page')) return res;
    const sent = { total: Number(res.headers.get('X-Total-Count')), perPage: Number(res.headers.get('X-Per-Page')), page: Number(res.headers.get('X-Page') ?? 1) };
    return rebuild(res, await res.text(), (h) => {
      for (const [k, v] of Object.entries(change(sent))) h.set(k, v);
    });
  });

/** Changes the Idempotency-Key of every request that carries one. */
export const withIdempotencyKey = (change: (key: string) => string): Wrap =>
  onRequest((req) => {
    const key = req.headers.get('Idempotency-Key');
    if (key === null) return req;
    const headers = new Headers(req.headers);
    headers.set('Idempotency-Key', change(key));
    return new Request(req, { headers });
  });
