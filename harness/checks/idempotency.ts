/**
 * Idempotency: every operation with x-idempotency is retried the way a client retries — same key
 * and same body (replay), same key and another body (conflict), no key (missing), and the same
 * request many times at once (concurrent).
 *
 * "One side effect" is shown from the outside, without the control API:
 * - the replayed answer is byte-identical to the first (status and body), so it names the same
 *   resource (the id in both bodies is the same);
 * - where the spec has a list of what the operation creates (the GET on the same path, or the list
 *   a provider declaration names), the list's total — `X-Total-Count` or a `total` in the body,
 *   else the length of an unpaginated list — is read before and after, and must grow by exactly one.
 *   A double execution that answers the retry with the stored response is caught here.
 * Operations that need other resources first (a voucher to cancel, an action to reverse) get them
 * from the recipes in harness/providers/<provider>.ts.
 */
import { deref, resolvePointer } from '../../contracts/walk.ts';
import { operationById, type ContractOperation } from '../../runtime/contract.ts';
import type { CallInput, CallResult } from '../http.ts';
import { errorCodeOf } from '../probe.ts';
import { operationsOf, type Check, type CheckContext } from '../types.ts';
import { exampleInput } from '../probe.ts';
import { mangle } from './auth.ts';
import { describeResult, freshKey, isSuccess, mergeInput, prepare, roleFor, type Prepared } from './steps.ts';
import type { IdempotencyRecipe, RecipeCall } from '../declarations.ts';
import { harnessOf } from '../registry.ts';


/** How many identical requests idempotency_concurrent sends at once. */
export const CONCURRENT_REQUESTS = 10;

const recipeOf = (ctx: CheckContext, op: ContractOperation): IdempotencyRecipe | undefined => harnessOf(ctx.provider.id).idempotency?.[op.operationId];
const idempotentOps = (ctx: CheckContext) => operationsOf(ctx).filter((o) => o.idempotency && o.status !== 'planned');

/** The id of the resource in a body: `id`, else the first top-level string field named `…_id`/`…Id`. */
export function resourceIdOf(body: unknown): string | undefined {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const b = body as Record<string, unknown>;
  if (typeof b.id === 'string') return b.id;
  const key = Object.keys(b).find((k) => /(_id|Id)$/.test(k) && typeof b[k] === 'string');
  return key ? (b[key] as string) : undefined;
}

// ---------------------------------------------------------------------------------------------
// Counting what an operation created

interface ListPlan {
  op: ContractOperation;
  role: string;
  input: CallInput;
}

/** The list that shows what `op` creates: declared, or the GET on the same path. */
function listPlan(ctx: CheckContext, op: ContractOperation, recipe: IdempotencyRecipe | undefined): ListPlan | undefined {
  if (recipe?.list === null) return undefined;
  const declared: RecipeCall | undefined = recipe?.list;
  const listOp = declared ? operationById(ctx.contract, declared.operationId) : operationsOf(ctx).find((o) => o.method === 'get' && o.path === op.path && o.status !== 'planned');
  if (!listOp || (!declared && op.method !== 'post')) return undefined;
  const role = declared?.role ?? roleFor(ctx, listOp);
  if (!role) return undefined;
  return { op: listOp, role, input: mergeInput(exampleInput(ctx, listOp), declared?.input) };
}

const TOTAL_KEY = /^(total|total_count|totalCount|total_items|totalItems|count)$/;
const PAGE_PARAM = /^(page|per_page|perPage|limit|page_size|pageSize|offset|cursor|starting_after)$/;

/** The number of items the list holds, and where that number came from. */
async function countList(ctx: CheckContext, plan: ListPlan): Promise<{ count?: number; source: string; exchange: CallResult }> {
  const r = await ctx.http.call(plan.op, plan.input, { role: plan.role });
  if (!isSuccess(r)) return { source: `${plan.op.operationId} answered ${describeResult(r)}`, exchange: r };
  for (const [name, value] of r.headers.entries()) {
    if (/^x-total(-count)?$/i.test(name) && /^\d+$/.test(value)) return { count: Number(value), source: `${plan.op.operationId} ${name}`, exchange: r };
  }
  const body = r.json as any;
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    for (const [k, v] of Object.entries(body)) if (TOTAL_KEY.test(k) && typeof v === 'number') return { count: v, source: `${plan.op.operationId} ${k}`, exchange: r };
    for (const [outer, inner] of Object.entries(body)) {
      if (!inner || typeof inner !== 'object' || Array.isArray(inner)) continue;
      for (const [k, v] of Object.entries(inner)) if (TOTAL_KEY.test(k) && typeof v === 'number') return { count: v, source: `${plan.op.operationId} ${outer}.${k}`, exchange: r };
    }
  }
  const paginated = plan.op.parameters.some((p) => p.in === 'query' && PAGE_PARAM.test(p.name));
  const items = Array.isArray(body) ? body : body && typeof body === 'object' ? Object.values(body).find(Array.isArray) : undefined;
  if (items && !paginated) return { count: items.length, source: `${plan.op.operationId} length`, exchange: r };
  return { source: `${plan.op.operationId} reports no total`, exchange: r };
}

/** Counts before an action and checks afterwards that the list grew by `expected`. */
async function sideEffects(ctx: CheckContext, plan: ListPlan | undefined) {
  const before = plan ? await countList(ctx, plan) : undefined;
  return async (expected: number): Promise<{ ok: boolean; note: string; exchange?: CallResult }> => {
    if (!plan || before?.count === undefined) return { ok: true, note: plan ? `side effects not counted (${before?.source})` : 'no list of what it creates to count' };
    const after = await countList(ctx, plan);
    if (after.count === undefined) return { ok: true, note: `side effects not counted (${after.source})` };
    const grew = after.count - before.count;
    return { ok: grew === expected, note: `${before.source}: ${before.count} → ${after.count} (expected +${expected})`, exchange: after.exchange };
  };
}

// ---------------------------------------------------------------------------------------------

/**
 * The first 2xx the check builds on; otherwise: a fail (5xx; a valid, correctly signed request
 * refused with 401/403), inconclusive (429, no answer) or a skip (the inputs did not work here).
 */
function firstMustSucceed(ctx: CheckContext, subject: string, r: CallResult): boolean {
  if (isSuccess(r)) return true;
  if (r.status === 0 || r.status === 429) ctx.record({ subject, outcome: 'inconclusive', reason: `the first request got no usable answer: ${describeResult(r)}`, exchange: r });
  else if (r.status >= 500) ctx.record({ subject, outcome: 'fail', reason: `the first request failed: ${describeResult(r)}`, exchange: r });
  else if (r.status === 401 || r.status === 403) ctx.record({ subject, outcome: 'fail', reason: `a valid, correctly signed request was refused: ${describeResult(r)}`, exchange: r });
  else ctx.record({ subject, outcome: 'skip', reason: `the first request was refused (${describeResult(r)}), so there is nothing to replay; declare working inputs in harness/providers/${ctx.provider.id}.ts`, exchange: r });
  return false;
}

function unprepared(ctx: CheckContext, subject: string, p: Exclude<Prepared, { ok: true }>): void {
  ctx.record({ subject, outcome: p.outcome, reason: p.reason, ...(p.exchange ? { exchange: p.exchange } : {}) });
}

/** Where two answers first differ, for the report. */
function difference(a: CallResult, b: CallResult): string {
  if (a.status !== b.status) return `status ${a.status} then ${b.status}`;
  let i = 0;
  while (i < a.text.length && a.text[i] === b.text[i]) i++;
  const at = (t: string) => JSON.stringify(t.slice(Math.max(0, i - 20), i + 40));
  const ids = [resourceIdOf(a.json), resourceIdOf(b.json)];
  return `bodies differ at byte ${i}: ${at(a.text)} vs ${at(b.text)}${ids[0] && ids[1] && ids[0] !== ids[1] ? ` (two resources: ${ids[0]}, ${ids[1]})` : ''}`;
}

const sameAnswer = (a: CallResult, b: CallResult) => a.status === b.status && a.text === b.text;

export const idempotencyReplay: Check = {
  id: 'idempotency_replay',
  group: 'idempotency',
  summary: 'a retry with the same Idempotency-Key and body gets the original answer and executes nothing',
  sends: 'each x-idempotency operation twice with one fresh key and byte-identical bodies (example inputs or the provider recipe); reads the list of what it creates before and after',
  expects: 'the same status and byte-identical body both times (one resource id); the list total grows by exactly one',
  async run(ctx) {
    const ops = idempotentOps(ctx);
    if (!ops.length) return ctx.record({ subject: '(provider)', outcome: 'skip', reason: 'no operation declares x-idempotency' });
    for (const op of ops) {
      const recipe = recipeOf(ctx, op);
      const p = await prepare(ctx, op, recipe);
      if (!p.ok) {
        unprepared(ctx, op.operationId, p);
        continue;
      }
      const effects = await sideEffects(ctx, listPlan(ctx, op, recipe));
      const key = freshKey('replay');
      const first = await ctx.http.call(op, p.input, { role: p.role, idempotencyKey: key });
      if (!firstMustSucceed(ctx, op.operationId, first)) continue;
      const replay = await ctx.http.call(op, p.input, { role: p.role, idempotencyKey: key });
      if (!sameAnswer(first, replay)) {
        ctx.record({ subject: op.operationId, outcome: 'fail', reason: `the replay is not the original answer: ${difference(first, replay)}`, exchange: replay });
        continue;
      }
      const count = await effects(1);
      if (!count.ok) ctx.record({ subject: op.operationId, outcome: 'fail', reason: `the replay executed again: ${count.note}`, exchange: count.exchange ?? replay });
      else ctx.record({ subject: op.operationId, outcome: 'pass', reason: `identical ${replay.status} (${replay.text.length} bytes${resourceIdOf(replay.json) ? `, one resource ${resourceIdOf(replay.json)}` : ''}); ${count.note}`, exchange: replay });
    }
  },
};

// ---------------------------------------------------------------------------------------------
// Another valid body for the same key

function requestSchemaPointer(ctx: CheckContext, op: ContractOperation): string | undefined {
  const raw = ctx.doc.paths[op.path]?.[op.method]?.requestBody;
  if (!raw) return undefined;
  const base = raw.$ref ?? `#/paths/${op.path.replace(/~/g, '~0').replace(/\//g, '~1')}/${op.method}/requestBody`;
  const resolved = deref(ctx.doc, resolvePointer(ctx.doc, base)) as any;
  return resolved?.content?.['application/json']?.schema ? `${base}/content/application~1json/schema` : undefined;
}

/** Fields a client changes without meaning another thing: tried first; then numbers (amounts), then strings that do not name something (ids, codes, types), then the rest. */
const HARMLESS = /reference|description|note|memo|reason|name|comment|label|metadata/i;
const NAMING = /(id|code|type|key|currency|status)$/i;

/**
 * A body that differs from `body` in one field and is still valid against the operation's request
 * schema (a body the implementation would accept on its own, so only the key can refuse it).
 */
export function variantBody(ctx: CheckContext, op: ContractOperation, body: unknown): unknown {
  const pointer = requestSchemaPointer(ctx, op);
  if (!pointer || !body || typeof body !== 'object') return undefined;
  const validate = ctx.schemas.validatorAt(pointer);
  const leaves: Array<{ path: Array<string | number>; value: unknown }> = [];
  const walk = (v: unknown, path: Array<string | number>) => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
    else leaves.push({ path, value: v });
  };
  walk(body, []);
  const rank = (l: (typeof leaves)[number]) => {
    const key = String(l.path.findLast((s) => typeof s === 'string') ?? '');
    if (l.path.some((s) => typeof s === 'string' && HARMLESS.test(s))) return 0;
    if (typeof l.value === 'number') return 1;
    return typeof l.value === 'string' && !NAMING.test(key) ? 2 : 3;
  };
  const ordered = leaves.map((l, i) => ({ l, i })).sort((a, b) => rank(a.l) - rank(b.l) || a.i - b.i).map((x) => x.l);
  for (const leaf of ordered) {
    const v = leaf.value;
    const candidates: unknown[] = typeof v === 'string' ? [mangle(v), `${v}x`, v.length > 1 ? v.slice(0, -1) : `${v}${v}`] : typeof v === 'number' ? [v + 1, v - 1, v * 2, v / 2] : typeof v === 'boolean' ? [!v] : [];
    for (const c of candidates) {
      const copy = structuredClone(body) as any;
      let node = copy;
      for (const s of leaf.path.slice(0, -1)) node = node[s];
      node[leaf.path.at(-1)!] = c;
      if (validate(copy)) return copy;
    }
  }
  return undefined;
}

export const idempotencyConflict: Check = {
  id: 'idempotency_conflict',
  group: 'idempotency',
  summary: 'an Idempotency-Key reused with a different body is refused, not executed',
  sends: 'each x-idempotency operation with a fresh key, then the same key with a body changed in one field (still schema-valid; or the recipe’s conflictBody)',
  expects: 'the second answer is x-idempotency.conflict (status and code, e.g. 409); the list total grows by exactly one',
  async run(ctx) {
    const ops = idempotentOps(ctx);
    if (!ops.length) return ctx.record({ subject: '(provider)', outcome: 'skip', reason: 'no operation declares x-idempotency' });
    const want = ctx.contract.idempotency?.conflict ?? { status: 409, code: undefined };
    for (const op of ops) {
      const recipe = recipeOf(ctx, op);
      const p = await prepare(ctx, op, recipe);
      if (!p.ok) {
        unprepared(ctx, op.operationId, p);
        continue;
      }
      if (p.input.body === undefined && recipe?.conflictBody === undefined) {
        ctx.record({ subject: op.operationId, outcome: 'skip', reason: 'the operation takes no request body, so there is no other body to send under the same key' });
        continue;
      }
      const other = recipe?.conflictBody !== undefined ? mergeInput(p.input, { body: recipe.conflictBody }).body : variantBody(ctx, op, p.input.body);
      if (other === undefined || JSON.stringify(other) === JSON.stringify(p.input.body)) {
        ctx.record({ subject: op.operationId, outcome: 'skip', reason: `no other valid body could be derived from the example; declare conflictBody in harness/providers/${ctx.provider.id}.ts` });
        continue;
      }
      const effects = await sideEffects(ctx, listPlan(ctx, op, recipe));
      const key = freshKey('conflict');
      const first = await ctx.http.call(op, p.input, { role: p.role, idempotencyKey: key });
      if (!firstMustSucceed(ctx, op.operationId, first)) continue;
      const reused = await ctx.http.call(op, { ...p.input, body: other }, { role: p.role, idempotencyKey: key });
      const code = errorCodeOf(reused.json);
      if (reused.status !== want.status || (want.code && code !== want.code)) {
        ctx.record({ subject: op.operationId, outcome: 'fail', reason: `a key reused with another body answered ${describeResult(reused)}; x-idempotency documents ${want.status}${want.code ? ` ${want.code}` : ''}`, exchange: reused });
        continue;
      }
      const count = await effects(1);
      if (!count.ok) ctx.record({ subject: op.operationId, outcome: 'fail', reason: `the refused request executed anyway: ${count.note}`, exchange: count.exchange ?? reused });
      else ctx.record({ subject: op.operationId, outcome: 'pass', reason: `${describeResult(reused)}; ${count.note}`, exchange: reused });
    }
  },
};

export const idempotencyMissing: Check = {
  id: 'idempotency_missing',
  group: 'idempotency',
  summary: 'an operation that requires an Idempotency-Key refuses a request without one, and executes nothing',
  sends: 'each operation with x-idempotency: required, with valid inputs and no Idempotency-Key header',
  expects: 'x-idempotency.missing (status and code, e.g. 400); the list of what it creates does not grow',
  async run(ctx) {
    const ops = idempotentOps(ctx).filter((o) => o.idempotency === 'required');
    if (!ops.length) return ctx.record({ subject: '(provider)', outcome: 'skip', reason: ctx.contract.idempotency ? 'no operation requires an Idempotency-Key (x-idempotency: optional only)' : 'no operation declares x-idempotency' });
    const want = ctx.contract.idempotency?.missing;
    if (!want) return ctx.record({ subject: '(provider)', outcome: 'skip', reason: 'x-idempotency documents no answer for a missing key (missing: null)' });
    for (const op of ops) {
      const recipe = recipeOf(ctx, op);
      const p = await prepare(ctx, op, recipe);
      if (!p.ok) {
        unprepared(ctx, op.operationId, p);
        continue;
      }
      const effects = await sideEffects(ctx, listPlan(ctx, op, recipe));
      const r = await ctx.http.call(op, p.input, { role: p.role, idempotencyKey: false });
      if (r.status !== want.status || errorCodeOf(r.json) !== want.code) {
        ctx.record({ subject: op.operationId, outcome: 'fail', reason: `a request without ${ctx.contract.idempotency!.header} answered ${describeResult(r)}; x-idempotency documents ${want.status} ${want.code}`, exchange: r });
        continue;
      }
      const count = await effects(0);
      if (!count.ok) ctx.record({ subject: op.operationId, outcome: 'fail', reason: `the refused request executed anyway: ${count.note}`, exchange: count.exchange ?? r });
      else ctx.record({ subject: op.operationId, outcome: 'pass', reason: `${describeResult(r)}; ${count.note}`, exchange: r });
    }
  },
};

export const idempotencyConcurrent: Check = {
  id: 'idempotency_concurrent',
  group: 'idempotency',
  summary: 'identical requests racing under one Idempotency-Key execute once and all get the same answer',
  sends: `each x-idempotency operation ${CONCURRENT_REQUESTS} times at once, one key, byte-identical bodies`,
  expects: 'every answer the same status and byte-identical body (one resource id), a 2xx; the list total grows by exactly one',
  async run(ctx) {
    const ops = idempotentOps(ctx);
    if (!ops.length) return ctx.record({ subject: '(provider)', outcome: 'skip', reason: 'no operation declares x-idempotency' });
    for (const op of ops) {
      const recipe = recipeOf(ctx, op);
      const p = await prepare(ctx, op, recipe);
      if (!p.ok) {
        unprepared(ctx, op.operationId, p);
        continue;
      }
      const effects = await sideEffects(ctx, listPlan(ctx, op, recipe));
      const key = freshKey('concurrent');
      const answers = await Promise.all(Array.from({ length: CONCURRENT_REQUESTS }, () => ctx.http.call(op, p.input, { role: p.role, idempotencyKey: key })));
      const first = answers.find(isSuccess) ?? answers[0]!;
      const odd = answers.find((a) => !sameAnswer(first, a));
      if (odd) {
        const statuses = [...new Set(answers.map(describeResult))].join(', ');
        const ids = [...new Set(answers.map((a) => resourceIdOf(a.json)).filter(Boolean))];
        ctx.record({ subject: op.operationId, outcome: 'fail', reason: `${CONCURRENT_REQUESTS} concurrent requests with one key got different answers (${statuses}${ids.length > 1 ? `; ${ids.length} resources: ${ids.slice(0, 3).join(', ')}…` : ''}): ${difference(first, odd)}`, exchange: odd });
        continue;
      }
      if (!firstMustSucceed(ctx, op.operationId, first)) continue;
      const count = await effects(1);
      if (!count.ok) ctx.record({ subject: op.operationId, outcome: 'fail', reason: `the concurrent requests executed more than once: ${count.note}`, exchange: count.exchange ?? first });
      else ctx.record({ subject: op.operationId, outcome: 'pass', reason: `${CONCURRENT_REQUESTS} × identical ${first.status}${resourceIdOf(first.json) ? `, one resource ${resourceIdOf(first.json)}` : ''}; ${count.note}`, exchange: first });
    }
  },
};

export const IDEMPOTENCY = [idempotencyReplay, idempotencyConflict, idempotencyMissing, idempotencyConcurrent];
