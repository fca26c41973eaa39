/** Auth and signing: no credentials, wrong credentials, unsigned, tampered, stale and future requests are refused. */
import type { ContractOperation } from '../../runtime/contract.ts';
import type { CallOptions, CallResult } from '../http.ts';
import { errorCodeOf, exampleInput } from '../probe.ts';
import { operationsOf, type Check, type CheckContext } from '../types.ts';

/**
 * Window edges. The providers accept a signature within ±300 s (x-signing window_seconds) of the
 * server's clock. The harness stamps a request with its own clock, and the server reads it after
 * the network latency and with its own clock skew: a probe one second inside or outside the edge
 * turns latency into false verdicts (400 ms made a correct server fail ±301 s 3 times in 12). The
 * probes keep WINDOW_MARGIN_S on both sides: ±270 s must be accepted, ±330 s refused, which holds
 * for up to 30 s of latency plus skew, and still fails a verifier that checks no window at all or one
 * more than 10% off.
 */
export const WINDOW_MARGIN_S = 30;
const DEFAULT_WINDOW_S = 300;
export const OUTSIDE_WINDOW_S = DEFAULT_WINDOW_S + WINDOW_MARGIN_S;
export const INSIDE_WINDOW_S = DEFAULT_WINDOW_S - WINDOW_MARGIN_S;
/** The probe offsets for a contract's window (300 s for every provider that signs). */
export const windowProbes = (windowSeconds: number | null | undefined) => {
  const w = windowSeconds ?? DEFAULT_WINDOW_S;
  return { window: w, inside: w - WINDOW_MARGIN_S, outside: w + WINDOW_MARGIN_S };
};


const describe = (r: CallResult) => (r.status ? `${r.status}${errorCodeOf(r.json) ? ` ${errorCodeOf(r.json)}` : ''}` : `no response (${r.error})`);

function expectStatus(ctx: CheckContext, subject: string, r: CallResult, want: number, why: string): void {
  if (r.status === want) ctx.record({ subject, outcome: 'pass', exchange: r });
  else ctx.record({ subject, outcome: 'fail', reason: `${why}: expected ${want}, got ${describe(r)}`, exchange: r });
}

/** The default role signs requests (the provider has request signing and the credential uses it). */
const signs = (ctx: CheckContext) => Boolean(ctx.credentials.default?.signing);
/** Operations whose requests the default credential signs. */
const signedOps = (ctx: CheckContext) => operationsOf(ctx).filter((o) => o.signing !== 'none' && o.security.some((alt) => alt.some((s) => ctx.contract.auth.find((a) => a.scheme === s)?.computed)));
/** A cheap read that needs no path ids, to probe the window edges. */
const probeRead = (ctx: CheckContext) => signedOps(ctx).find((o) => o.method === 'get' && !o.path.includes('{')) ?? signedOps(ctx)[0];

export const authRequired: Check = {
  id: 'auth_required',
  group: 'auth',
  summary: 'no operation answers without credentials',
  sends: 'each operation with the example inputs and no auth headers at all',
  expects: '401 in the provider’s error envelope',
  async run(ctx) {
    for (const op of operationsOf(ctx)) {
      if (op.security.some((alt) => alt.length === 0)) {
        ctx.record({ subject: op.operationId, outcome: 'skip', reason: 'the operation allows anonymous calls' });
        continue;
      }
      expectStatus(ctx, op.operationId, await ctx.http.call(op, exampleInput(ctx, op), { role: null }), 401, 'a call without credentials was not refused');
    }
  },
};

/** Changes the last character of a credential, keeping its alphabet (so it still looks valid). */
export function mangle(value: string): string {
  const last = value.at(-1) ?? 'x';
  const swap = /[0-9]/.test(last) ? String((Number(last) + 1) % 10) : /[a-f]/.test(last) ? (last === 'a' ? 'b' : 'a') : last === 'x' ? 'y' : 'x';
  return value.slice(0, -1) + swap;
}

export const authInvalid: Check = {
  id: 'auth_invalid',
  group: 'auth',
  summary: 'credentials that look right but are not issued are refused',
  sends: 'each operation with every credential of the default role altered in its last character',
  expects: '401 in the provider’s error envelope',
  async run(ctx) {
    const cred = ctx.credentials.default;
    if (!cred) return ctx.record({ subject: '(provider)', outcome: 'skip', reason: 'no default role in the credentials file' });
    const overrides = Object.fromEntries(Object.entries(cred.credentials).map(([k, v]) => [k, mangle(v)]));
    for (const op of operationsOf(ctx)) {
      expectStatus(ctx, op.operationId, await ctx.http.call(op, exampleInput(ctx, op), { credentialOverrides: overrides }), 401, 'altered credentials were accepted');
    }
  },
};

export const signatureRequired: Check = {
  id: 'signature_required',
  group: 'auth',
  summary: 'a signing credential’s unsigned request is refused',
  sends: 'each signed operation with valid credentials and no signature headers',
  expects: '401',
  async run(ctx) {
    if (!signs(ctx)) return ctx.record({ subject: '(provider)', outcome: 'skip', reason: 'requests are not signed for this provider or credential' });
    for (const op of signedOps(ctx)) expectStatus(ctx, op.operationId, await ctx.http.call(op, exampleInput(ctx, op), { sign: false }), 401, 'an unsigned request was accepted');
  },
};

export const signatureTampered: Check = {
  id: 'signature_tampered',
  group: 'auth',
  summary: 'a signature binds the body, the path and the query',
  sends: 'correctly signed requests changed after signing: one byte of body added, the path swapped for another operation’s, a query parameter added',
  expects: '401 for each',
  async run(ctx) {
    if (!signs(ctx)) return ctx.record({ subject: '(provider)', outcome: 'skip', reason: 'requests are not signed for this provider or credential' });
    const ops = signedOps(ctx);
    const withBody = ops.filter((o) => o.requestBody);
    for (const op of withBody) {
      const r = await ctx.http.call(op, exampleInput(ctx, op), { afterSign: (req) => void (req.body = new Uint8Array([...req.body, 0x20])) });
      expectStatus(ctx, `${op.operationId} (body)`, r, 401, 'a body changed after signing was accepted');
    }
    const reads = ops.filter((o) => o.method === 'get' && !o.path.includes('{'));
    if (reads.length >= 2) {
      const [a, b] = reads as [ContractOperation, ContractOperation];
      const base = new URL(ctx.baseUrl).pathname.replace(/\/$/, '');
      const r = await ctx.http.call(a, exampleInput(ctx, a), {
        afterSign: (req) => {
          req.url.pathname = base + b.path;
          req.url.search = '';
        },
      });
      expectStatus(ctx, `${a.operationId} → ${b.path} (path)`, r, 401, 'a request sent to another path than the one signed was accepted');
    } else ctx.record({ subject: '(path)', outcome: 'skip', reason: 'needs two signed reads without path parameters' });
    const read = probeRead(ctx);
    if (read) {
      const r = await ctx.http.call(read, exampleInput(ctx, read), { afterSign: (req) => req.url.searchParams.append('accord_tamper', '1') });
      expectStatus(ctx, `${read.operationId} (query)`, r, 401, 'a query changed after signing was accepted');
    }
  },
};

function windowCheck(id: 'signature_stale' | 'signature_future', sign: -1 | 1): Check {
  const when = sign < 0 ? 'in the past' : 'in the future';
  return {
    id,
    group: 'auth',
    summary: `signatures ${when} are accepted up to the window edge and refused past it`,
    sends: `a signed read with its timestamp ${INSIDE_WINDOW_S} s and ${OUTSIDE_WINDOW_S} s ${when} (the ±300 s window with a ${WINDOW_MARGIN_S} s margin each side, so network latency and clock skew up to ${WINDOW_MARGIN_S} s cannot flip the verdict)`,
    expects: `${INSIDE_WINDOW_S} s: not 401; ${OUTSIDE_WINDOW_S} s: 401`,
    async run(ctx) {
      if (!signs(ctx)) return ctx.record({ subject: '(provider)', outcome: 'skip', reason: 'requests are not signed for this provider or credential' });
      const op = probeRead(ctx);
      if (!op) return ctx.record({ subject: '(provider)', outcome: 'skip', reason: 'no signed operation' });
      const { window, inside: insideS, outside: outsideS } = windowProbes(ctx.contract.signing.windowSeconds);
      const inside = await ctx.http.call(op, exampleInput(ctx, op), { timestampOffset: sign * insideS } satisfies CallOptions);
      if (inside.status === 401 || inside.status === 403) ctx.record({ subject: `${op.operationId} (${sign * insideS} s)`, outcome: 'fail', reason: `a timestamp ${insideS} s ${when} is inside the ±${window} s window but was refused (${describe(inside)})`, exchange: inside });
      else ctx.record({ subject: `${op.operationId} (${sign * insideS} s)`, outcome: 'pass', exchange: inside });
      expectStatus(ctx, `${op.operationId} (${sign * outsideS} s)`, await ctx.http.call(op, exampleInput(ctx, op), { timestampOffset: sign * outsideS }), 401, `a timestamp ${outsideS} s ${when} was accepted`);
    },
  };
}

export const signatureStale = windowCheck('signature_stale', -1);
export const signatureFuture = windowCheck('signature_future', 1);

export const publishableKeyScope: Check = {
  id: 'publishable_key_scope',
  group: 'auth',
  summary: 'a publishable key reaches publishable operations and is refused by secret-only ones',
  sends: 'each operation marked x-key-scope with the `publishable` role’s credentials',
  expects: 'secret scope: 403; publishable scope: not 401/403',
  async run(ctx) {
    const scoped = operationsOf(ctx).filter((o) => o.keyScope);
    if (!scoped.length) return ctx.record({ subject: '(provider)', outcome: 'skip', reason: 'the provider has no key scopes' });
    if (!ctx.credentials.publishable) return ctx.record({ subject: '(provider)', outcome: 'skip', reason: 'no `publishable` role in the credentials file' });
    for (const op of scoped) {
      const r = await ctx.http.call(op, exampleInput(ctx, op), { role: 'publishable' });
      if (op.keyScope === 'secret') expectStatus(ctx, op.operationId, r, 403, 'a publishable key was accepted on a secret-only operation');
      else if (r.status === 401 || r.status === 403) ctx.record({ subject: op.operationId, outcome: 'fail', reason: `a publishable key was refused (${describe(r)}) on a publishable operation`, exchange: r });
      else ctx.record({ subject: op.operationId, outcome: 'pass', exchange: r });
    }
  },
};

export const AUTH = [authRequired, authInvalid, signatureRequired, signatureTampered, signatureStale, signatureFuture, publishableKeyScope];
