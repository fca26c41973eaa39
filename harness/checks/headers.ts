/**
 * Header values that are valid against the schema but can still be wrong: the request id a client
 * sent comes back unchanged; an error body names the same request id as its header; pagination
 * headers agree with the data; SIR Giving's X-RateLimit-* count the calls and name the window's end.
 * What each provider documents is declared in harness/providers/<provider>.ts (`BEHAVIOUR`).
 */
import { randomUUID } from 'node:crypto';
import { operationById } from '../../runtime/contract.ts';
import type { DeclaredCall, PaginationDeclaration } from '../declarations.ts';
import type { CallInput, CallResult } from '../http.ts';
import { exampleInput } from '../probe.ts';
import { behaviourOf } from '../registry.ts';
import type { Check, CheckContext } from '../types.ts';
import { mergeInput } from './recipe.ts';
import { describeAnswer, recordedInconclusive } from './verdict.ts';

const callOf = (ctx: CheckContext, d: DeclaredCall, extra?: CallInput) => {
  const op = operationById(ctx.contract, d.operationId);
  let base: CallInput = {};
  try {
    base = exampleInput(ctx, op);
  } catch {
    // no complete example: the declaration supplies the inputs
  }
  return { op, input: mergeInput(mergeInput(base, d.input), extra) };
};

const at = (body: unknown, pointer: string): unknown =>
  pointer
    .split('/')
    .slice(1)
    .reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined), body);

// ---------------------------------------------------------------------------------------------

export const requestIdEcho: Check = {
  id: 'request_id_echo',
  group: 'conformance',
  summary: 'a client’s X-Request-Id comes back unchanged, on successes and on errors',
  sends: 'the declared calls (a read, and a read of a resource that does not exist) each with a fresh X-Request-Id',
  expects: 'the response’s X-Request-Id equals the one sent (where the provider documents the echo: Starship)',
  async run(ctx) {
    const decl = behaviourOf(ctx.provider.id).requestIdEcho;
    if (!decl) return ctx.record({ subject: '(provider)', outcome: 'skip', reason: 'the provider documents no echo of X-Request-Id' });
    for (const call of decl.calls) {
      const sent = `accord-${randomUUID()}`;
      const { op, input } = callOf(ctx, call, { headers: { 'X-Request-Id': sent } });
      const r = await ctx.http.call(op, input, { role: call.role ?? 'default' });
      const subject = `${op.operationId} (${describeAnswer(r)})`;
      if (recordedInconclusive(ctx, subject, r)) continue;
      const got = r.headers.get('x-request-id');
      if (got === sent) ctx.record({ subject, outcome: 'pass', reason: `echoed (${decl.source})`, exchange: r });
      else ctx.record({ subject, outcome: 'fail', reason: `sent X-Request-Id ${sent}, got ${got === null ? 'none' : got}; ${decl.source}`, exchange: r });
    }
  },
};

export const errorRequestId: Check = {
  id: 'error_request_id',
  group: 'conformance',
  summary: 'an error body’s request id is the X-Request-Id of the same answer',
  sends: 'the declared calls that answer errors (a resource that does not exist, a malformed body)',
  expects: 'the error body’s request id (ODM: /error/request_id) equals the X-Request-Id header',
  async run(ctx) {
    const decl = behaviourOf(ctx.provider.id).errorRequestId;
    if (!decl) return ctx.record({ subject: '(provider)', outcome: 'skip', reason: 'the provider’s errors carry no request id' });
    for (const call of decl.calls) {
      const { op, input } = callOf(ctx, call);
      const r = await ctx.http.call(op, input, { role: call.role ?? 'default' });
      const subject = `${op.operationId} (${describeAnswer(r)})`;
      if (recordedInconclusive(ctx, subject, r)) continue;
      if (r.status < 400) {
        ctx.record({ subject, outcome: 'skip', reason: `the call meant to fail answered ${r.status}; declare a failing call in harness/providers/${ctx.provider.id}.ts`, exchange: r });
        continue;
      }
      const header = r.headers.get(decl.header);
      const inBody = at(r.json, decl.pointer);
      if (header && inBody === header) ctx.record({ subject, outcome: 'pass', reason: `${decl.pointer} = ${decl.header} (${decl.source})`, exchange: r });
      else ctx.record({ subject, outcome: 'fail', reason: `${decl.pointer} is ${JSON.stringify(inBody)} but ${decl.header} is ${JSON.stringify(header)}; ${decl.source}`, exchange: r });
    }
  },
};

// ---------------------------------------------------------------------------------------------
// Pagination

const HEADER_DEFAULTS = { page: 'X-Page', perPage: 'X-Per-Page', totalCount: 'X-Total-Count', totalPages: 'X-Total-Pages', hasMore: 'X-Has-More' };

interface PageRead {
  r: CallResult;
  items?: unknown[];
  page?: number;
  perPage?: number;
  total?: number;
  pages?: number;
  hasMore?: string;
}

async function readPage(ctx: CheckContext, d: PaginationDeclaration, page: number, perPage: number): Promise<PageRead> {
  const names = { ...HEADER_DEFAULTS, ...d.headers };
  const { op, input } = callOf(ctx, d);
  const query = { ...(typeof input.query === 'object' ? input.query : {}), page, per_page: perPage };
  const r = await ctx.http.call(op, { ...input, query }, { role: d.role ?? 'default' });
  const body = r.json as Record<string, unknown> | unknown[] | undefined;
  const items = d.items ? (body as Record<string, unknown> | undefined)?.[d.items] : body;
  const num = (name: string) => {
    const v = r.headers.get(name);
    return v !== null && /^\d+$/.test(v) ? Number(v) : undefined;
  };
  return {
    r,
    ...(Array.isArray(items) ? { items } : {}),
    ...(num(names.page) !== undefined ? { page: num(names.page) } : {}),
    ...(num(names.perPage) !== undefined ? { perPage: num(names.perPage) } : {}),
    ...(num(names.totalCount) !== undefined ? { total: num(names.totalCount) } : {}),
    ...(num(names.totalPages) !== undefined ? { pages: num(names.totalPages) } : {}),
    ...(r.headers.get(names.hasMore) !== null ? { hasMore: r.headers.get(names.hasMore)! } : {}),
  };
}

/** What is wrong with a page's headers, given the total the first read established. */
function pageProblems(p: PageRead, page: number, perPage: number, total: number): string[] {
  const pages = Math.ceil(total / perPage);
  const want = { page, perPage, total, pages, items: Math.max(0, Math.min(perPage, total - (page - 1) * perPage)), hasMore: String(page < pages) };
  const problems: string[] = [];
  if (p.page !== want.page) problems.push(`X-Page ${p.page ?? '(missing)'}, expected ${want.page}`);
  if (p.perPage !== want.perPage) problems.push(`X-Per-Page ${p.perPage ?? '(missing)'}, expected ${want.perPage}`);
  if (p.total !== want.total) problems.push(`X-Total-Count ${p.total ?? '(missing)'}, expected ${want.total}`);
  if (p.pages !== want.pages) problems.push(`X-Total-Pages ${p.pages ?? '(missing)'}, expected ceil(${total} / ${perPage}) = ${want.pages}`);
  if (p.hasMore !== want.hasMore) problems.push(`X-Has-More ${p.hasMore ?? '(missing)'}, expected ${want.hasMore} (page ${page} of ${pages})`);
  if (p.items?.length !== want.items) problems.push(`${p.items?.length ?? 'no'} items on the page, expected ${want.items}`);
  return problems;
}

export const paginationHeaders: Check = {
  id: 'pagination_headers',
  group: 'conformance',
  summary: 'pagination headers agree with the data: the total, the number of pages, whether more follow',
  sends: 'each paginated list: one page of 100 (the total), then the first and the last page at a page size that does not divide the total (1 for two items)',
  expects: 'X-Total-Count = the number of items; X-Total-Pages = ceil(count / per_page); X-Has-More true before the last page only; X-Page and X-Per-Page as asked; each page holds what is left',
  async run(ctx) {
    const decls = behaviourOf(ctx.provider.id).pagination ?? [];
    if (!decls.length) return ctx.record({ subject: '(provider)', outcome: 'skip', reason: 'the provider documents no pagination headers' });
    for (const d of decls) {
      const whole = await readPage(ctx, d, 1, 100);
      if (recordedInconclusive(ctx, `${d.operationId} (per_page 100)`, whole.r)) continue;
      if (whole.r.status !== 200 || !whole.items) {
        ctx.record({ subject: d.operationId, outcome: 'fail', reason: `a page of 100 answered ${describeAnswer(whole.r)}${whole.r.status === 200 ? ' without a list' : ''}`, exchange: whole.r });
        continue;
      }
      // The total, known from the data only when it fits one page.
      const total = whole.items.length < 100 ? whole.items.length : whole.total ?? 100;
      const first = pageProblems(whole, 1, 100, total);
      if (first.length) {
        ctx.record({ subject: `${d.operationId} (page 1, per_page 100)`, outcome: 'fail', reason: first.join('; '), exchange: whole.r });
        continue;
      }
      if (total < 2) {
        ctx.record({ subject: d.operationId, outcome: 'pass', reason: `${total} item(s): one page, its headers agree with the data`, exchange: whole.r });
        continue;
      }
      // A size that leaves a partial last page when the total allows one (ceil and floor differ).
      const size = [2, 3, 4, 5, 6, 7].find((k) => total % k !== 0 && k < total) ?? 1;
      const pages = Math.ceil(total / size);
      let failed = false;
      for (const page of [1, pages]) {
        const p = await readPage(ctx, d, page, size);
        const subject = `${d.operationId} (page ${page} of ${pages}, per_page ${size})`;
        if (recordedInconclusive(ctx, subject, p.r)) {
          failed = true;
          break;
        }
        const problems = p.r.status === 200 ? pageProblems(p, page, size, total) : [`answered ${describeAnswer(p.r)}`];
        if (problems.length) {
          ctx.record({ subject, outcome: 'fail', reason: problems.join('; '), exchange: p.r });
          failed = true;
          break;
        }
      }
      if (!failed) ctx.record({ subject: d.operationId, outcome: 'pass', reason: `${total} items: page 1 and page ${pages} of ${pages} at ${size} per page agree with the headers` });
    }
  },
};

// ---------------------------------------------------------------------------------------------
// X-RateLimit-Remaining and X-RateLimit-Reset

/** Sequential calls whose headers are compared. */
export const RATE_LIMIT_HEADER_CALLS = 3;
/** Seconds of slack between the server's clock and the one the check reads. */
const CLOCK_SLACK_S = 5;

async function nowSeconds(ctx: CheckContext): Promise<number> {
  if (ctx.controlUrl) {
    const r = await ctx.http.raw('GET', `${ctx.controlUrl.replace(/\/$/, '')}/clock`);
    if (r.status === 200 && typeof r.json?.epochMs === 'number') return r.json.epochMs / 1000;
  }
  return Date.now() / 1000;
}

export const rateLimitHeaders: Check = {
  id: 'rate_limit_headers',
  group: 'rate-limit',
  summary: 'X-RateLimit-Remaining counts the calls down; X-RateLimit-Reset is a Unix time in seconds inside the window',
  sends: `one cheap read ${RATE_LIMIT_HEADER_CALLS} times in a row with one credential`,
  expects: 'Remaining falls by exactly one per call within one window (same Reset); Reset is an integer number of seconds since the epoch, after now and at most one window ahead',
  async run(ctx) {
    const decl = behaviourOf(ctx.provider.id).rateLimitHeaders;
    const names = ctx.contract.rateLimit?.headers;
    if (!decl || !names?.remaining || !names.reset) return ctx.record({ subject: '(provider)', outcome: 'skip', reason: 'the provider documents no remaining/reset rate-limit headers' });
    const { op, input } = callOf(ctx, decl);
    let previous: { remaining: number; reset: string } | undefined;
    for (let i = 1; i <= RATE_LIMIT_HEADER_CALLS; i++) {
      const before = await nowSeconds(ctx);
      const r = await ctx.http.call(op, input, { role: decl.role ?? 'default' });
      const after = await nowSeconds(ctx);
      const subject = `${op.operationId} (call ${i})`;
      if (recordedInconclusive(ctx, subject, r)) return;
      const remainingText = r.headers.get(names.remaining);
      const reset = r.headers.get(names.reset);
      const problems: string[] = [];
      if (remainingText === null || !/^\d+$/.test(remainingText)) problems.push(`${names.remaining} is ${remainingText ?? 'missing'}, expected a count`);
      if (reset === null || !/^\d+$/.test(reset)) problems.push(`${names.reset} is ${reset ?? 'missing'}, expected a Unix time in whole seconds`);
      else if (Number(reset) < Math.floor(before) - CLOCK_SLACK_S || Number(reset) > after + decl.windowSeconds + CLOCK_SLACK_S) {
        problems.push(`${names.reset} ${reset} is not a Unix time in seconds within the ${decl.windowSeconds} s window (now ${Math.round(after)}, so between ${Math.floor(before)} and ${Math.round(after) + decl.windowSeconds})`);
      }
      const remaining = Number(remainingText);
      if (!problems.length && previous && previous.reset === reset && remaining !== previous.remaining - 1) {
        problems.push(`${names.remaining} went ${previous.remaining} → ${remaining} in one call of the same window (${names.reset} ${reset}); expected ${previous.remaining - 1}`);
      }
      if (problems.length) return ctx.record({ subject, outcome: 'fail', reason: problems.join('; '), exchange: r });
      ctx.record({ subject, outcome: 'pass', reason: `${names.remaining} ${remaining}, ${names.reset} ${reset}${previous && previous.reset !== reset ? ' (a new window began)' : ''}`, exchange: r });
      previous = { remaining, reset: reset! };
    }
  },
};

export const HEADER_CHECKS = [requestIdEcho, errorRequestId, paginationHeaders, rateLimitHeaders];
