/**
 * Deliberately broken implementations: each is ONE defect applied to an accord sandbox — a wrap of
 * the sandbox app's fetch or a change to its declaration — and names the check that must catch
 * it. test/mutants/mutants.test.ts proves each check fails against its mutant and passes against
 * the unmutated sandbox; `accord mutants --table` shows which of them Dredd and Prism's
 * validation proxy notice as well.
 */
import { randomUUID } from 'node:crypto';
import type { ProviderId } from '../../contracts/providers.ts';
import type { CreateSandboxOptions } from '../../sandbox/app.ts';
import {
  bodyOf,
  dropResponseHeader,
  freshKey,
  intercept,
  mapKey,
  nowSeconds,
  onJson,
  onRequest,
  pageHeaders,
  onResponse,
  operationOf,
  rebuild,
  resigned,
  schemeOf,
  signedTimestamp,
  signerOf,
  treatRoleAs,
  withIdempotencyKey,
  validIgnoringTime,
  type DeclarationChange,
  type Wrap,
} from './transforms.ts';

export interface Mutant {
  id: string;
  /** The defect, in one line. */
  defect: string;
  provider: ProviderId;
  /** The harness check that must catch it. */
  check: string;
  wrap?: Wrap;
  declaration?: DeclarationChange;
  /** Sandbox options the defect needs to show (default: harness/embedded.ts's). */
  sandbox?: CreateSandboxOptions;
}

const IDEMPOTENCY_KEY = 'Idempotency-Key';

export const MUTANTS: readonly Mutant[] = [
  {
    id: 'wrong-error-envelope',
    defect: 'errors answered as `{"error": "<message>"}` instead of iStar’s `{success: false, error: {code, message}}`',
    provider: 'istar',
    check: 'error_envelope',
    wrap: onJson((body, status) => (status >= 400 ? { error: String(body?.error?.message ?? 'error') } : body)),
  },
  {
    id: 'missing-request-id',
    defect: 'no `X-Request-Id` on any answer',
    provider: 'starship',
    check: 'response_headers',
    wrap: dropResponseHeader('X-Request-Id'),
  },
  {
    id: 'stale-signature-accepted',
    defect: 'the signature is checked but its timestamp is not: a request signed 301 s ago is accepted',
    provider: 'starship',
    check: 'signature_stale',
    // A verifier without the window: a correctly signed old request is passed on as if signed now.
    wrap: onRequest(async (req, env) => {
      const cred = signerOf(req, env);
      const ts = cred && signedTimestamp(req, schemeOf(cred));
      if (!cred || ts === undefined || ts >= nowSeconds() - (schemeOf(cred).windowSeconds ?? 0)) return req;
      const body = await bodyOf(req);
      return validIgnoringTime(req, body, cred) ? resigned(req, body, cred, nowSeconds()) : req;
    }),
  },
  {
    id: 'tampered-body-accepted',
    defect: 'the signature does not cover the body: a body changed after signing is accepted',
    provider: 'sirgiving',
    check: 'signature_tampered',
    // Signed requests with a body are passed on signed over whatever body they carry (timestamp kept).
    wrap: onRequest(async (req, env) => {
      const cred = signerOf(req, env);
      const ts = cred && signedTimestamp(req, schemeOf(cred));
      const body = await bodyOf(req);
      return cred && ts !== undefined && body.byteLength ? resigned(req, body, cred, ts) : req;
    }),
  },
  {
    id: 'replay-executes-twice',
    defect: 'an idempotent retry (same key, same body) is executed again: a second order',
    provider: 'starship',
    check: 'idempotency_replay',
    wrap: onRequest((req) => {
      const key = req.headers.get(IDEMPOTENCY_KEY);
      if (!key) return req;
      const headers = new Headers(req.headers);
      headers.set(IDEMPOTENCY_KEY, freshKey(key));
      return new Request(req, { headers });
    }),
  },
  {
    id: 'key-reuse-200',
    defect: 'a key reused with another body gets 200 and the first answer instead of 409',
    provider: 'odm',
    check: 'idempotency_conflict',
    wrap: (send, env) => {
      const first = new Map<string, string>();
      const conflict = env.contract.idempotency!.conflict!;
      return onResponse(async (res, req) => {
        const key = req.headers.get(IDEMPOTENCY_KEY);
        if (!key) return res;
        const text = await res.text();
        if (res.status === conflict.status && text.includes(conflict.code)) return rebuild(res, first.get(key) ?? '{}', () => {}, 200);
        if (res.ok && !first.has(key)) first.set(key, text);
        return rebuild(res, text);
      })(send, env);
    },
  },
  {
    id: 'concurrent-retries-executed',
    defect: 'a retry that arrives while the first request with its key is still running is executed as new',
    provider: 'odm',
    check: 'idempotency_concurrent',
    wrap: (send, env) => {
      const inFlight = new Set<string>();
      return intercept(async (req, next) => {
        const key = req.headers.get(IDEMPOTENCY_KEY);
        if (!key) return next(req);
        if (inFlight.has(key)) {
          const headers = new Headers(req.headers);
          headers.set(IDEMPOTENCY_KEY, freshKey(key));
          return next(new Request(req, { headers }));
        }
        inFlight.add(key);
        try {
          const res = await next(req);
          return rebuild(res, await res.text());
        } finally {
          inFlight.delete(key);
        }
      })(send, env);
    },
  },
  {
    id: 'idempotency-key-optional',
    defect: 'a write that requires `Idempotency-Key` is executed without one instead of 400',
    provider: 'starship',
    check: 'idempotency_missing',
    wrap: onRequest((req, env) => {
      if (req.headers.has(IDEMPOTENCY_KEY) || operationOf(req, env)?.idempotency !== 'required') return req;
      const headers = new Headers(req.headers);
      headers.set(IDEMPOTENCY_KEY, freshKey('server-made'));
      return new Request(req, { headers });
    }),
  },
  {
    id: '429-without-retry-after',
    defect: 'the 429 past the rate limit carries no `Retry-After`',
    provider: 'istar',
    check: 'rate_limit',
    wrap: onResponse(async (res) => (res.status === 429 ? rebuild(res, await res.text(), (h) => h.delete('Retry-After')) : res)),
    sandbox: { rateLimitScale: 1 },
  },
  {
    id: 'wrong-enum-value',
    defect: 'order statuses in lower case (`delivered`), outside the documented enum',
    provider: 'starship',
    check: 'response_schema',
    wrap: onJson((body, status) => (status < 300 ? mapKey(body, 'status', (v) => (typeof v === 'string' ? v.toLowerCase() : v)) : body)),
  },
  {
    id: 'missing-required-field',
    defect: 'the wallet balance without its required `wallet_id`',
    provider: 'istar',
    check: 'response_schema',
    wrap: onJson((body, status) => {
      if (status >= 300 || !body || typeof body !== 'object' || !('wallet_id' in body)) return body;
      const { wallet_id: _dropped, ...rest } = body;
      return rest;
    }),
  },
  {
    id: 'malformed-json-500',
    defect: 'a body that is not JSON crashes the handler: 500 instead of 400',
    provider: 'odm',
    check: 'negative_data',
    wrap: intercept(async (req, next) => {
      const text = new TextDecoder().decode(await bodyOf(req));
      if (!text || !(req.headers.get('content-type') ?? '').includes('json')) return next(req);
      try {
        JSON.parse(text);
      } catch (err) {
        return new Response(JSON.stringify({ error: { code: 'INTERNAL_ERROR', message: (err as Error).message } }), { status: 500, headers: { 'Content-Type': 'application/json' } });
      }
      return next(req);
    }),
  },
  {
    id: 'publishable-key-on-secret-endpoint',
    defect: 'a `pk_` key is accepted on secret-only endpoints (no scope check)',
    provider: 'sirgiving',
    check: 'publishable_key_scope',
    declaration: (d) => ({ ...d, guards: (ctx) => (d.guards?.(ctx) ?? []).filter((g) => g.name !== 'secretScopeGuard') }),
  },
  {
    id: 'unsigned-webhook',
    defect: 'webhooks delivered without a signature',
    provider: 'starship',
    check: 'webhooks',
    declaration: (d) => ({ ...d, webhookKey: () => null }),
  },
  {
    id: 'anonymous-calls-served',
    defect: 'a call without credentials is served as the default partner’s',
    provider: 'istar',
    check: 'auth_required',
    wrap: onRequest((req, env) => {
      const plain = env.contract.auth.filter((a) => !a.computed);
      if (plain.some((a) => req.headers.has(a.header))) return req;
      const headers = new Headers(req.headers);
      for (const a of plain) headers.set(a.header, a.prefix + (env.credentials.default?.credentials[a.credential] ?? ''));
      return new Request(req, { headers });
    }),
  },
  {
    id: 'undocumented-status',
    defect: 'orders answered 201 where the spec documents 200',
    provider: 'istar',
    check: 'status_code_documented',
    wrap: onResponse(async (res, req) => (req.method === 'POST' && res.status === 200 ? rebuild(res, await res.text(), () => {}, 201) : res)),
  },
  {
    id: 'vouchers-lost',
    defect: 'a delivered order’s voucher list comes back empty (still valid against the schema)',
    provider: 'starship',
    check: 'flows',
    wrap: onJson((body, status, req) => (status < 300 && req.method === 'GET' && new URL(req.url).pathname.endsWith('/vouchers') ? { ...body, vouchers: [] } : body)),
  },
  {
    id: 'large-quantity-500',
    defect: 'an order for 1000 or more stars crashes the handler (500); the examples order 100',
    provider: 'istar',
    check: 'fuzz',
    wrap: intercept(async (req, next) => {
      const text = new TextDecoder().decode(await bodyOf(req));
      let quantity: unknown;
      try {
        quantity = JSON.parse(text || 'null')?.quantity;
      } catch {
        quantity = undefined;
      }
      if (typeof quantity === 'number' && quantity >= 1000) return new Response('{"success":false,"error":{"code":"INTERNAL_ERROR","message":"overflow"}}', { status: 500, headers: { 'Content-Type': 'application/json' } });
      return next(req);
    }),
  },
  {
    id: 'wrong-content-type',
    defect: 'JSON answers labelled `text/plain`',
    provider: 'odm',
    check: 'content_type',
    wrap: onResponse(async (res) => ((res.headers.get('content-type') ?? '').includes('json') ? rebuild(res, await res.text(), (h) => h.set('Content-Type', 'text/plain; charset=utf-8')) : res)),
  },
  // ---- header values (request_id_echo, error_request_id, pagination_headers, rate_limit_headers) ----
  {
    id: 'request-id-not-echoed',
    defect: 'the client’s `X-Request-Id` is replaced by a new id instead of echoed back',
    provider: 'starship',
    check: 'request_id_echo',
    wrap: onResponse(async (res) => rebuild(res, await res.text(), (h) => h.set('X-Request-Id', randomUUID().replace(/-/g, '').toUpperCase().slice(0, 26)))),
  },
  {
    id: 'error-request-id-mismatch',
    defect: 'the error body’s `request_id` is not the answer’s `X-Request-Id`',
    provider: 'odm',
    check: 'error_request_id',
    wrap: onJson((body, status) => (status >= 400 ? mapKey(body, 'request_id', () => `req_${'0123456789ABCDEFGHJKMNPQRS'}`) : body)),
  },
  {
    id: 'total-pages-floor',
    defect: '`X-Total-Pages` is count / per_page rounded down (a last, partial page is not counted)',
    provider: 'starship',
    check: 'pagination_headers',
    wrap: pageHeaders(({ total, perPage }) => ({ 'X-Total-Pages': String(Math.floor(total / perPage)) })),
  },
  {
    id: 'total-count-is-page-length',
    defect: '`X-Total-Count` is the number of items on the page, not in the list',
    provider: 'starship',
    check: 'pagination_headers',
    wrap: onResponse(async (res) => {
      if (!res.headers.has('X-Total-Count')) return res;
      const text = await res.text();
      const items = (JSON.parse(text) as { data?: unknown[] }).data ?? [];
      return rebuild(res, text, (h) => h.set('X-Total-Count', String(items.length)));
    }),
  },
  {
    id: 'has-more-always-false',
    defect: '`X-Has-More` is always `false`, even before the last page',
    provider: 'odm',
    check: 'pagination_headers',
    wrap: pageHeaders(() => ({ 'X-Has-More': 'false' })),
  },
  {
    id: 'rate-limit-remaining-frozen',
    defect: '`X-RateLimit-Remaining` always shows the full hourly allowance (it never counts down)',
    provider: 'sirgiving',
    check: 'rate_limit_headers',
    wrap: onResponse(async (res) => (res.headers.has('X-RateLimit-Limit') ? rebuild(res, await res.text(), (h) => h.set('X-RateLimit-Remaining', h.get('X-RateLimit-Limit')!)) : res)),
  },
  {
    id: 'rate-limit-reset-milliseconds',
    defect: '`X-RateLimit-Reset` in milliseconds since the epoch instead of seconds',
    provider: 'sirgiving',
    check: 'rate_limit_headers',
    wrap: onResponse(async (res) => (res.headers.has('X-RateLimit-Reset') ? rebuild(res, await res.text(), (h) => h.set('X-RateLimit-Reset', String(Number(h.get('X-RateLimit-Reset')) * 1000))) : res)),
  },
  // ---- Idempotency-Key bounds and scope (idempotency_key_bounds, idempotency_scope) ----
  {
    id: 'short-idempotency-key-accepted',
    defect: 'a 7-character `Idempotency-Key` is accepted (padded) instead of 400 IDEMPOTENCY_KEY_INVALID',
    provider: 'starship',
    check: 'idempotency_key_bounds',
    wrap: withIdempotencyKey((key) => (key.length < 8 ? key.padEnd(8, '0') : key)),
  },
  {
    id: 'long-idempotency-key-truncated',
    defect: 'a 257-character `Idempotency-Key` is cut to 256 and accepted instead of 400 VALIDATION_ERROR',
    provider: 'odm',
    check: 'idempotency_key_bounds',
    wrap: withIdempotencyKey((key) => key.slice(0, 256)),
  },
  {
    id: 'key-replayed-for-another-voucher',
    defect: 'a key reused to cancel another voucher replays the first cancellation (200) instead of 409',
    provider: 'odm',
    check: 'idempotency_scope',
    wrap: (send, env) => {
      const first = new Map<string, { path: string; res: Response }>();
      return intercept(async (req, next) => {
        const key = req.headers.get(IDEMPOTENCY_KEY);
        const seen = key ? first.get(`${req.method} ${key}`) : undefined;
        if (key && seen && seen.path !== new URL(req.url).pathname) return seen.res.clone();
        const res = await next(req);
        if (key && res.ok && !seen) first.set(`${req.method} ${key}`, { path: new URL(req.url).pathname, res: res.clone() });
        return res;
      })(send, env);
    },
  },
  {
    id: 'key-scoped-per-resource',
    defect: 'a key reused to reverse another action reverses it too (keys are remembered per action, not per partner)',
    provider: 'sirgiving',
    check: 'idempotency_scope',
    wrap: onRequest((req) => {
      const key = req.headers.get(IDEMPOTENCY_KEY);
      if (!key) return req;
      const headers = new Headers(req.headers);
      headers.set(IDEMPOTENCY_KEY, `${key}:${new URL(req.url).pathname.split('/').slice(-2, -1)[0]}`.slice(0, 256));
      return new Request(req, { headers });
    }),
  },
  // ---- negative business flows and computed documents (business_negative, document_consistency) ----
  {
    id: 'wrong-otp-accepted',
    defect: 'a claim is booked whatever OTP it carries (the OTP is not compared)',
    provider: 'odm',
    check: 'business_negative',
    wrap: intercept(async (req, next, env) => {
      if (req.method !== 'POST' || !new URL(req.url).pathname.endsWith('/claims')) return next(req);
      const body = JSON.parse(new TextDecoder().decode(await bodyOf(req)) || '{}');
      const texted = await next(new Request(`${new URL(req.url).origin}/_accord/otp?validation_id=${encodeURIComponent(body.validation_id)}`));
      const otp = texted.ok ? ((await texted.json()) as { otp?: string }).otp : undefined;
      const cred = signerOf(req, env);
      if (!otp || !cred) return next(req);
      const bytes = new TextEncoder().encode(JSON.stringify({ ...body, otp }));
      return next(resigned(new Request(req.url, { method: req.method, headers: req.headers, body: bytes }), bytes, cred, nowSeconds()));
    }),
  },
  {
    id: 'validation-claimed-twice',
    defect: 'a second claim with an already used validation is answered 201 with the first claim',
    provider: 'odm',
    check: 'business_negative',
    wrap: (send, env) => {
      const claims = new Map<string, string>();
      return onResponse(async (res, req) => {
        if (req.method !== 'POST' || !new URL(req.url).pathname.endsWith('/claims')) return res;
        const text = await res.text();
        const validation = JSON.parse(new TextDecoder().decode(await bodyOf(req)) || '{}').validation_id as string;
        if (res.status === 201) claims.set(validation, text);
        if (res.status === 422 && text.includes('VALIDATION_ALREADY_USED') && claims.has(validation)) return rebuild(res, claims.get(validation)!, () => {}, 201);
        return rebuild(res, text);
      })(send, env);
    },
  },
  {
    id: 'cancelled-order-never-refunded',
    defect: 'a cancelled order stays CANCELLED: the refund never comes',
    provider: 'starship',
    check: 'business_negative',
    wrap: onJson((body) => mapKey(body, 'status', (v) => (v === 'REFUNDED' ? 'CANCELLED' : v))),
  },
  {
    id: 'refund-not-booked',
    defect: 'the refund of a cancelled order is not booked as a `refund` transaction',
    provider: 'starship',
    check: 'business_negative',
    wrap: onJson((body, status, req) => (status === 200 && new URL(req.url).pathname.endsWith('/transactions') && Array.isArray(body?.data) ? { ...body, data: body.data.filter((t: { type?: string }) => t.type !== 'refund') } : body)),
  },
  {
    id: 'reconciliation-matched-overcounted',
    defect: 'the reconciliation summary counts every allocated voucher as matched, drifts and unmatched ones too',
    provider: 'starship',
    check: 'document_consistency',
    wrap: onJson((body, status) => (status === 200 && body?.summary && typeof body.summary.vouchers_allocated === 'number' ? { ...body, summary: { ...body.summary, matched: body.summary.vouchers_allocated } } : body)),
  },
  {
    id: 'reconciliation-drifts-unlisted',
    defect: 'the reconciliation summary counts drifts it does not list',
    provider: 'starship',
    check: 'document_consistency',
    wrap: onJson((body, status) => (status === 200 && body?.summary && Array.isArray(body.drifts) ? { ...body, drifts: [] } : body)),
  },
  {
    id: 'order-refunded-not-sent',
    defect: 'a cancelled order is refunded but `order.refunded` is never sent',
    provider: 'starship',
    check: 'webhooks',
    // The refund job sees a dispatcher that wants no order.refunded (the rest of the sandbox is untouched).
    declaration: (d) => ({
      ...d,
      jobs: (ctx) => {
        const jobs = d.jobs?.(ctx) ?? {};
        const webhooks = ctx.webhooks && Object.assign(Object.create(ctx.webhooks), { wants: (owner: string, event: string) => event !== 'order.refunded' && ctx.webhooks!.wants(owner, event) });
        const muted = d.jobs?.({ ...ctx, webhooks } as typeof ctx) ?? {};
        return Object.fromEntries(Object.entries(jobs).map(([name, job]) => [name, name.endsWith('.refund') ? muted[name]! : job]));
      },
    }),
  },
  // ---- limits per credential (rate_limit_per_credential) ----
  {
    id: 'rate-limit-per-address',
    defect: 'once one key is answered 429, every key from the same client address is throttled until Retry-After',
    provider: 'starship',
    check: 'rate_limit_per_credential',
    wrap: (send, env) => {
      let blocked: { until: number; res: Response } | undefined;
      return intercept(async (req, next) => {
        if (blocked && Date.now() < blocked.until) return blocked.res.clone();
        const res = await next(req);
        if (res.status === 429) blocked = { until: Date.now() + Number(res.headers.get('Retry-After') ?? 1) * 1000, res: res.clone() };
        return res;
      })(send, env);
    },
    sandbox: { rateLimitScale: 1 },
  },
  // ---- credential lifecycle (credential_lifecycle) ----
  {
    id: 'revoked-key-accepted',
    defect: 'a revoked key pair is still served (as another partner’s pair)',
    provider: 'starship',
    check: 'credential_lifecycle',
    wrap: treatRoleAs('revoked', 'unsigned'),
  },
  {
    id: 'rotated-key-refused',
    defect: 'the previous key pair stops working at rotation instead of when it is revoked',
    provider: 'starship',
    check: 'credential_lifecycle',
    wrap: treatRoleAs('rotated', (v) => `${v}-retired`),
  },
  {
    id: 'expired-key-accepted',
    defect: 'a key past its expiry is still accepted',
    provider: 'istar',
    check: 'credential_lifecycle',
    wrap: treatRoleAs('expired', 'default'),
  },
  {
    id: 'suspended-partner-not-active',
    defect: 'a SUSPENDED partner gets `PARTNER_NOT_ACTIVE` instead of the documented `PARTNER_SUSPENDED`',
    provider: 'sirgiving',
    check: 'credential_lifecycle',
    wrap: onJson((body, status) => (status === 401 ? mapKey(body, 'code', (c) => (c === 'PARTNER_SUSPENDED' ? 'PARTNER_NOT_ACTIVE' : c)) : body)),
  },
  {
    id: 'rotated-key-still-valid',
    defect: 'a key rotated in the portal keeps working (ODM models no overlap window, D3)',
    provider: 'odm',
    check: 'credential_lifecycle',
    wrap: treatRoleAs('rotated', 'default'),
  },
];
