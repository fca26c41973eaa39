/**
 * How checks talk to the implementation: an operation, inputs and a credential role in; a
 * signed (or deliberately broken) request out; the exchange recorded with secrets redacted.
 */
import { randomUUID } from 'node:crypto';
import { sign } from '../signing/engine.ts';
import type { Contract, ContractOperation } from '../runtime/contract.ts';
import type { SandboxCredential } from '../sandbox/provider.ts';
import type { SchemeId } from '../signing/types.ts';
import { createPacer, emptyStats, realTimeKeeper, sandboxTimeKeeper, type Pacer, type PacingStats } from './pacing.ts';
import { createRedactor } from './redact.ts';
import type { Exchange } from './types.ts';

export const EXCERPT_CHARS = 600;

export interface CallInput {
  path?: Record<string, unknown>;
  /** An object (arrays repeat the key) or a raw query string without `?`. */
  query?: Record<string, unknown> | string;
  headers?: Record<string, string>;
  /** A JSON value, or exact bytes/text with `raw`. */
  body?: unknown;
  raw?: string | Uint8Array;
  contentType?: string;
}

export interface MutableRequest {
  method: string;
  url: URL;
  headers: Headers;
  body: Uint8Array<ArrayBuffer>;
}

export interface CallOptions {
  /** Credential role from the credentials file; null sends no credentials at all. Default `default`. */
  role?: string | null;
  /** Replace credential values (auth_invalid). */
  credentialOverrides?: Record<string, string>;
  /** false: do not sign even if the role signs. */
  sign?: boolean;
  /** Seconds added to the signing timestamp (stale, future). */
  timestampOffset?: number;
  /** An Idempotency-Key to send; false sends none; default: a fresh one where the operation takes one. */
  idempotencyKey?: string | false;
  /** Changes the request after signing (tampering). */
  afterSign?: (request: MutableRequest) => void;
  /** Return a 429 as is instead of waiting out its Retry-After (the rate_limit check). */
  acceptRateLimit?: boolean;
}

/**
 * A 429 is retried (re-signed) after its Retry-After, at most this many times. Against an accord
 * sandbox the wait is an advance of its business clock; against anything else a real sleep of at
 * most MAX_RATE_LIMIT_WAIT_S (a longer Retry-After is returned as is: the finding is inconclusive).
 */
export const MAX_RATE_LIMIT_WAIT_S = 65;
export const MAX_RATE_LIMIT_RETRIES = 3;
/** Retry-After when a 429 has none (or an unreadable one). */
const DEFAULT_RETRY_AFTER_S = 1;

export interface CallResult extends Exchange {
  status: number;
  headers: Headers;
  /** Parsed JSON body, or undefined. */
  json: unknown;
  text: string;
}

/** The report's view of an exchange: only the redacted fields, never a call's parsed body or raw text. */
export const exchangeOf = (r: Exchange): Exchange => ({
  request: r.request,
  ...(r.response ? { response: r.response } : {}),
  ...(r.error !== undefined ? { error: r.error } : {}),
  ms: r.ms,
});

export interface HarnessHttp {
  call(operation: ContractOperation, input?: CallInput, options?: CallOptions): Promise<CallResult>;
  /** A raw request to a URL (webhook receivers; the control API goes through `control`). */
  raw(method: string, url: string, body?: unknown): Promise<{ status: number; json: any }>;
  /**
   * The one way to the sandbox control API (path under the control URL, e.g. `/clock/advance`):
   * sends X-Accord-Control-Token when the credentials file gives a control token. Throws without a control URL.
   */
  control(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }>;
  /** Lets business time pass on the target: the sandbox clock advanced (counted by the pacer), else a real sleep. */
  pass(seconds: number): Promise<void>;
  /** Requests sent and time spent waiting for rate limits. */
  readonly stats: PacingStats;
}

export interface HarnessHttpOptions {
  fetch?: typeof fetch;
  /** accord's sandbox control API (time passes by advancing its clock instead of sleeping). */
  controlUrl?: string;
  /** Sent as X-Accord-Control-Token on every control call (a sandbox listening beyond loopback asks for it). */
  controlToken?: string;
  /** false: no pacing (tests of the raw behaviour). Default true. */
  pace?: boolean;
}

export const CONTROL_TOKEN_HEADER = 'X-Accord-Control-Token';

/** A network failure as one phrase: the cause's code (ECONNREFUSED, ENOTFOUND…) where there is one. */
export function networkError(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  const cause = e.cause?.code ?? e.cause?.message;
  return cause && cause !== e.message ? `${e.message} (${cause})` : e.message;
}

function expandPath(template: string, params: Record<string, unknown> = {}): string {
  return template.replace(/\{([^}]+)\}/g, (_m, name) => encodeURIComponent(String(params[name] ?? `missing-${name}`)));
}

function queryString(query: CallInput['query']): string {
  if (query === undefined) return '';
  if (typeof query === 'string') return query;
  const parts: string[] = [];
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined) continue;
    for (const item of Array.isArray(v) ? v : [v]) parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(item))}`);
  }
  return parts.join('&');
}

/** Seconds a Retry-After value asks for (delta-seconds or HTTP-date), or undefined when malformed. */
export function retryAfterSeconds(value: string, now = Date.now()): number | undefined {
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) || !/[a-z]{3},/i.test(value) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

export function createHarnessHttp(contract: Contract, baseUrl: string, credentials: Record<string, SandboxCredential>, fetchOrOptions: typeof fetch | HarnessHttpOptions = {}): HarnessHttp {
  const opts: HarnessHttpOptions = typeof fetchOrOptions === 'function' ? { fetch: fetchOrOptions } : fetchOrOptions;
  const fetchImpl = opts.fetch ?? fetch;
  const redact = createRedactor(credentials);
  const idemHeader = contract.idempotency?.header ?? 'Idempotency-Key';
  const base = baseUrl.replace(/\/$/, '');
  const controlBase = opts.controlUrl?.replace(/\/$/, '');
  const stats = emptyStats();

  const rawRequest = async (method: string, url: string, body: unknown, headers: Record<string, string> = {}) => {
    const res = await fetchImpl(url, { method, headers: { 'Content-Type': 'application/json', ...headers }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, json };
  };
  const control = (method: string, path: string, body?: unknown) => {
    if (!controlBase) throw new Error('the target has no control URL');
    return rawRequest(method, controlBase + path, body, opts.controlToken ? { [CONTROL_TOKEN_HEADER]: opts.controlToken } : {});
  };
  const advance = async (seconds: number) => {
    const r = await control('POST', '/clock/advance', { seconds });
    if (r.status >= 300) throw new Error(`control API: POST /clock/advance answered ${r.status}`);
  };
  const keeper = controlBase ? sandboxTimeKeeper(stats, advance) : realTimeKeeper(stats);
  const pacer: Pacer | undefined = opts.pace === false ? undefined : createPacer(contract, keeper, stats);

  const http: HarnessHttp = {
    stats,
    async call(operation, input = {}, options = {}) {
      for (let attempt = 0; ; attempt++) {
        const result = await once(operation, input, options);
        if (result.status !== 429 || options.acceptRateLimit || attempt >= MAX_RATE_LIMIT_RETRIES) return result;
        const header = result.headers.get('retry-after');
        const wait = (header === null ? undefined : retryAfterSeconds(header)) ?? DEFAULT_RETRY_AFTER_S;
        if (!keeper.virtual && wait > MAX_RATE_LIMIT_WAIT_S) return result;
        stats.retried429++;
        stats.retryAfterSeconds += wait;
        await keeper.pass(Math.max(wait, 0.05));
      }
    },
    raw: (method, url, body) => rawRequest(method, url, body),
    control,
    async pass(seconds) {
      if (controlBase) await keeper.pass(seconds, false);
      else await new Promise((r) => setTimeout(r, seconds * 1000));
    },
  };
  return http;

  async function once(operation: ContractOperation, input: CallInput, options: CallOptions): Promise<CallResult> {
      const role = options.role === undefined ? 'default' : options.role;
      const cred = role === null ? undefined : credentials[role];
      if (role !== null && !cred) throw new Error(`the credentials file has no "${role}" role for ${contract.provider}`);
      const url = new URL(base + expandPath(operation.path, input.path));
      const qs = queryString(input.query);
      if (qs) url.search = qs;
      const headers = new Headers(input.headers ?? {});
      let body: Uint8Array<ArrayBuffer> = new Uint8Array(0);
      if (input.raw !== undefined) body = typeof input.raw === 'string' ? new TextEncoder().encode(input.raw) : new Uint8Array(input.raw);
      else if (input.body !== undefined) body = new TextEncoder().encode(JSON.stringify(input.body));
      if (body.byteLength && !headers.has('content-type')) headers.set('Content-Type', input.contentType ?? 'application/json');
      const sent: string[] = [];
      if (cred) {
        const values = { ...cred.credentials, ...(options.credentialOverrides ?? {}) };
        for (const auth of contract.auth) {
          const v = values[auth.credential];
          if (!auth.computed && v !== undefined && !headers.has(auth.header)) {
            headers.set(auth.header, auth.prefix + v);
            sent.push(v);
          }
        }
      }
      // Counted as the provider counts: per key sent (anonymous calls share one count), before signing (a wait must not age the signature).
      if (pacer && !options.acceptRateLimit) await pacer.acquire(operation, sent.join('|') || 'anonymous', options.credentialOverrides ? undefined : cred?.extra?.tier);
      stats.requests++;
      if (!headers.has('X-Request-Id')) headers.set('X-Request-Id', randomUUID());
      if (operation.idempotency && options.idempotencyKey !== false && !headers.has(idemHeader)) {
        headers.set(idemHeader, options.idempotencyKey ?? `accord-check-${randomUUID()}`);
      }
      if (cred?.signing && options.sign !== false && operation.signing !== 'none') {
        const signed = sign(cred.signing.scheme as SchemeId, {
          method: operation.method.toUpperCase(),
          path: url.pathname,
          query: url.search.slice(1),
          body,
          timestamp: Math.floor(Date.now() / 1000) + (options.timestampOffset ?? 0),
          ...(cred.signing.secret !== undefined ? { secret: cred.signing.secret } : {}),
          ...(cred.signing.privateKey !== undefined ? { privateKey: cred.signing.privateKey } : {}),
        });
        for (const [k, v] of Object.entries(signed.headers)) headers.set(k, v);
      }
      const mutable: MutableRequest = { method: operation.method.toUpperCase(), url, headers, body };
      options.afterSign?.(mutable);
      const bodyText = mutable.body.byteLength ? new TextDecoder().decode(mutable.body) : undefined;
      const exchange: Exchange = {
        request: {
          method: mutable.method,
          url: redact.text(mutable.url.toString()),
          headers: redact.headers(Object.fromEntries(mutable.headers.entries())),
          ...(bodyText !== undefined ? { body: redact.text(bodyText.slice(0, EXCERPT_CHARS)) } : {}),
        },
        ms: 0,
      };
      const started = performance.now();
      try {
        const res = await fetchImpl(mutable.url, {
          method: mutable.method,
          headers: mutable.headers,
          ...(mutable.body.byteLength && mutable.method !== 'GET' && mutable.method !== 'HEAD' ? { body: mutable.body } : {}),
        });
        const text = await res.text();
        exchange.ms = Math.round(performance.now() - started);
        exchange.response = { status: res.status, headers: redact.headers(Object.fromEntries(res.headers.entries())), body: redact.text(text.slice(0, EXCERPT_CHARS)) };
        let json: unknown;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        return { ...exchange, status: res.status, headers: res.headers, json, text };
      } catch (err) {
        exchange.ms = Math.round(performance.now() - started);
        exchange.error = redact.text(networkError(err));
        return { ...exchange, status: 0, headers: new Headers(), json: undefined, text: '' };
      }
  }
}
