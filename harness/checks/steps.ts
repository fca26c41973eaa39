/**
 * The one step engine of the harness: flows (harness/checks/flows.ts), webhook triggers
 * (webhooks.ts) and the recipes of the idempotency and rate-limit checks all run their steps here.
 * A step is an operation call (inputs from the spec's examples, overridden by the declaration,
 * values read from earlier steps with `$steps.<step>.body#/pointer` expressions) or a call to the
 * sandbox control API; its answer is judged against its expectation, the spec's documented
 * statuses and schemas. The declarations' shapes are in harness/declarations.ts.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { exampleRequest } from '../../contracts/examples.ts';
import type { ContractOperation } from '../../runtime/contract.ts';
import type { Assertion, FlowDeclaration, FlowScope, FlowStep, OperationRecipe, StepExpectation, StepResult, Value } from '../declarations.ts';
import { exchangeOf, type CallInput, type CallResult } from '../http.ts';
import { documentedResponse, errorCodeOf, exampleInput, schemaProblems } from '../probe.ts';
import { REDACTED } from '../redact.ts';
import type { CheckContext, Exchange, Finding } from '../types.ts';

export function newScope(ctx: CheckContext, vars: Record<string, unknown> = {}): FlowScope {
  return { steps: {}, credentials: ctx.credentials, vars: { unique: randomBytes(5).toString('hex'), ...vars }, codes: new Map(), secrets: new Set() };
}

/** A declaration that cannot be evaluated (a missing value): the step fails with this message. */
export class FlowError extends Error {}

function pointerSegments(pointer: string): string[] {
  if (pointer === '' || pointer === '/') return [];
  if (!pointer.startsWith('/')) throw new FlowError(`"${pointer}" is not a JSON pointer`);
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Every value at a pointer (`*` and `[key=value]` can match several or none). */
export function select(doc: unknown, pointer: string): unknown[] {
  let current: unknown[] = [doc];
  for (const seg of pointerSegments(pointer)) {
    const next: unknown[] = [];
    for (const node of current) {
      if (node === null || typeof node !== 'object') continue;
      if (seg === '*') next.push(...(Array.isArray(node) ? node : Object.values(node)));
      else if (seg.startsWith('[') && seg.endsWith(']') && seg.includes('=')) {
        const eq = seg.indexOf('=');
        const key = seg.slice(1, eq);
        const want = seg.slice(eq + 1, -1);
        if (!Array.isArray(node)) continue;
        const hit = node.find((el) => el !== null && typeof el === 'object' && String((el as Record<string, unknown>)[key]) === want);
        if (hit !== undefined) next.push(hit);
      } else if (Object.hasOwn(node, seg)) next.push((node as Record<string, unknown>)[seg]);
    }
    current = next;
  }
  return current;
}

const at = (doc: unknown, pointer: string) => select(doc, pointer)[0];

function walk(value: unknown, keys: string[]): unknown {
  let v = value;
  for (const k of keys) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

/** Evaluates one `$…` expression; throws FlowError when it names nothing. */
export function evaluate(expr: string, scope: FlowScope): unknown {
  const hash = expr.indexOf('#');
  const head = hash < 0 ? expr : expr.slice(0, hash);
  const pointer = hash < 0 ? undefined : expr.slice(hash + 1);
  const [root, ...rest] = head.slice(1).split('.');
  let value: unknown;
  switch (root) {
    case 'steps': {
      const [name = '', field, ...more] = rest;
      const step = scope.steps[name];
      if (!step) throw new FlowError(`${expr}: step "${name}" has not run`);
      if (field === 'body') value = step.body;
      else if (field === 'status') value = step.status;
      else if (field === 'header') value = step.headers[(more[0] ?? '').toLowerCase()];
      else if (field === 'request') value = walk(step.request, more);
      else throw new FlowError(`${expr}: expected body, status, header.<name> or request.<part> after the step name`);
      break;
    }
    case 'credentials':
      value = walk(scope.credentials, rest);
      break;
    case 'vars':
      value = walk(scope.vars, rest);
      break;
    case 'unique':
      value = scope.vars.unique;
      break;
    default:
      throw new FlowError(`${expr}: unknown expression (steps, credentials, vars, unique)`);
  }
  if (pointer !== undefined) value = at(value, pointer);
  if (value === undefined) throw new FlowError(`${expr} resolved to nothing`);
  return value;
}

/** Resolves a declared value (deeply) in the scope. */
export function resolve(value: Value, scope: FlowScope): unknown {
  if (typeof value === 'function') return (value as (s: FlowScope) => unknown)(scope);
  if (typeof value === 'string') {
    if (value.startsWith('$')) return evaluate(value, scope);
    if (value.includes('{$')) return value.replace(/\{(\$[^}]+)\}/g, (_m, e: string) => String(evaluate(e, scope)));
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => resolve(v, scope));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, scope)]));
  return value;
}

/** Deep equality; numbers within a relative 1e-9 (amounts computed in floating point). */
export function same(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && same((a as any)[k], (b as any)[k]));
  }
  return a === b;
}

const show = (v: unknown) => {
  const s = JSON.stringify(v);
  return s === undefined ? 'nothing' : s.length > 120 ? `${s.slice(0, 117)}…` : s;
};

/** Problems with one assertion, or none. */
export function checkAssertion(body: unknown, a: Assertion, scope: FlowScope): string[] {
  const found = select(body, a.pointer);
  if ('exists' in a) {
    if (a.exists && !found.length) return [`${a.pointer} is missing`];
    if (!a.exists && found.length) return [`${a.pointer} must not be there, found ${show(found[0])}`];
    return [];
  }
  if ('equals' in a) {
    const want = resolve(a.equals, scope);
    return found.length && same(found[0], want) ? [] : [`${a.pointer} is ${show(found[0])}, expected ${show(want)}`];
  }
  if ('oneOf' in a) {
    const wants = a.oneOf.map((v) => resolve(v, scope));
    return found.length && wants.some((w) => same(found[0], w)) ? [] : [`${a.pointer} is ${show(found[0])}, expected one of ${wants.map(show).join(', ')}`];
  }
  if ('count' in a) {
    const raw = resolve(a.count, scope);
    const want = Array.isArray(raw) ? raw.length : raw;
    const got = Array.isArray(found[0]) ? found[0].length : undefined;
    return got === want ? [] : [`${a.pointer} has ${got ?? 'no'} items, expected ${show(want)}`];
  }
  const want = resolve(a.contains, scope) as Record<string, unknown>;
  const list = found[0];
  if (!Array.isArray(list)) return [`${a.pointer} is not an array`];
  return list.some((el) => el && typeof el === 'object' && Object.entries(want).every(([k, v]) => same((el as any)[k], v))) ? [] : [`${a.pointer} has no element with ${show(want)}`];
}

// ---------------------------------------------------------------------------------------------
// The control API

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A call to the sandbox control API; throws when the target has none. */
export async function control(ctx: CheckContext, method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: any }> {
  if (!ctx.controlUrl) throw new FlowError('no control URL');
  return ctx.http.control(method, path, body);
}

/** Moves the sandbox's business clock forward (due jobs run); without a control URL, waits real time (capped). */
export async function advance(ctx: CheckContext, seconds: number, realCapMs = 250): Promise<void> {
  if (ctx.controlUrl) {
    try {
      await ctx.http.pass(seconds);
    } catch (err) {
      throw new FlowError((err as Error).message);
    }
  } else await sleep(Math.min(seconds * 1000, realCapMs));
}

/** Business time now (epoch ms): the sandbox clock when there is a control URL, else real time. */
export async function businessNow(ctx: CheckContext): Promise<number> {
  if (!ctx.controlUrl) return Date.now();
  const r = await control(ctx, 'GET', '/clock');
  return typeof r.json?.epochMs === 'number' ? r.json.epochMs : Date.now();
}

// ---------------------------------------------------------------------------------------------
// Steps


const EXCERPT = 600;

/** Replaces every secret of the scope (values the credentials file does not know) in an exchange. */
export function redactExchange(exchange: Exchange, scope: FlowScope): Exchange {
  if (!scope.secrets.size) return exchange;
  const secrets = [...scope.secrets].sort((a, b) => b.length - a.length);
  const text = (s: string) => secrets.reduce((out, secret) => out.split(secret).join(REDACTED), s);
  const headers = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k, text(v)]));
  return {
    request: { ...exchange.request, url: text(exchange.request.url), headers: headers(exchange.request.headers), ...(exchange.request.body !== undefined ? { body: text(exchange.request.body) } : {}) },
    ...(exchange.response ? { response: { ...exchange.response, headers: headers(exchange.response.headers), body: text(exchange.response.body) } } : {}),
    ...(exchange.error !== undefined ? { error: text(exchange.error) } : {}),
    ms: exchange.ms,
  };
}

interface StepOutcome {
  result?: StepResult;
  exchange?: Exchange;
  problems: string[];
}

function operationOf(ctx: CheckContext, id: string): ContractOperation {
  const op = ctx.contract.operations.find((o) => o.operationId === id);
  if (!op) throw new FlowError(`the contract has no operation ${id}`);
  return op;
}

/** The step's role: the first of its roles the credentials file has (or the first, to be reported missing). */
export function roleOf(ctx: CheckContext, step: FlowStep): string {
  const roles = typeof step.role === 'string' ? [step.role] : step.role?.length ? step.role : ['default'];
  return roles.find((r) => ctx.credentials[r]) ?? roles[0]!;
}

const statuses = (s: number | readonly number[]) => (typeof s === 'number' ? [s] : [...s]);

async function runOperationStep(ctx: CheckContext, step: FlowStep, scope: FlowScope): Promise<StepOutcome> {
  const op = operationOf(ctx, step.operation!);
  let ex: ReturnType<typeof exampleRequest> = { path: {}, query: {}, header: {}, body: undefined };
  try {
    ex = exampleRequest(ctx.doc, op);
  } catch {
    // no complete example: the declaration supplies the inputs
  }
  const path = { ...ex.path, ...((resolve(step.path ?? {}, scope) as Record<string, unknown>) ?? {}) };
  const query = { ...ex.query, ...((resolve(step.query ?? {}, scope) as Record<string, unknown>) ?? {}) };
  const headers = Object.fromEntries(Object.entries({ ...ex.header, ...((resolve(step.headers ?? {}, scope) as Record<string, unknown>) ?? {}) }).map(([k, v]) => [k, String(v)]));
  const body = step.body !== undefined ? resolve(step.body, scope) : ex.body;
  const role = roleOf(ctx, step);
  const call = () => ctx.http.call(op, { path, query, headers, ...(body !== undefined ? { body } : {}) }, { role });

  const problems: string[] = [];
  let r = await call();
  if (step.until) {
    const until = step.until;
    const wants = until.oneOf.map((v) => resolve(v, scope));
    const holds = (res: CallResult) => res.status >= 200 && res.status < 300 && wants.some((w) => same(at(res.json, until.pointer), w));
    const deadline = Date.now() + ctx.options.asyncTimeoutMs;
    let polls = 0;
    while (!holds(r) && r.status !== 0 && Date.now() < deadline && polls < 200) {
      await advance(ctx, until.advanceSeconds ?? 1);
      r = await call();
      polls++;
    }
    if (!holds(r)) problems.push(`${until.pointer} is still ${show(at(r.json, until.pointer))} after ${polls} polls${ctx.controlUrl ? ` (${polls * (until.advanceSeconds ?? 1)} s of business time)` : ''}; expected one of ${wants.map(show).join(', ')}`);
  }
  const result: StepResult = { status: r.status, body: r.json, text: r.text, headers: Object.fromEntries([...r.headers.entries()].map(([k, v]) => [k.toLowerCase(), v])), request: { path, query, body } };
  problems.push(...judge(ctx, op, r, step.expect, scope));
  return { result, exchange: exchangeOf(r), problems };
}

function judge(ctx: CheckContext, op: ContractOperation, r: CallResult, expect: StepExpectation | undefined, scope: FlowScope): string[] {
  if (r.status === 0) return [`no response: ${r.error}`];
  const problems: string[] = [];
  const code = errorCodeOf(r.json);
  if (expect?.status !== undefined) {
    const want = statuses(expect.status);
    if (!want.includes(r.status)) return [`expected ${want.join(' or ')}, got ${r.status}${code ? ` ${code}` : ''}`];
  } else if (r.status < 200 || r.status >= 300) return [`expected a 2xx, got ${r.status}${code ? ` ${code}` : ''}`];
  const doc = documentedResponse(ctx, op, r.status);
  if (!doc) problems.push(`status ${r.status} is not documented for ${op.operationId}`);
  else {
    const schema = schemaProblems(ctx, doc.pointer, r.json);
    if (schema?.length) problems.push(`body does not match the ${doc.key} schema: ${schema.join('; ')}`);
  }
  if (expect?.code !== undefined && code !== expect.code) problems.push(`error code ${code ?? '(none)'}, expected ${expect.code}`);
  for (const a of expect?.that ?? []) problems.push(...checkAssertion(r.json, a, scope));
  return problems;
}

async function runControlStep(ctx: CheckContext, step: FlowStep, scope: FlowScope): Promise<StepOutcome> {
  const c = step.control!;
  const query = resolve(c.query ?? {}, scope) as Record<string, unknown>;
  const qs = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)])).toString();
  const body = c.body !== undefined ? resolve(c.body, scope) : undefined;
  const path = String(resolve(c.path, scope)) + (qs ? `?${qs}` : '');
  const started = performance.now();
  const r = await control(ctx, c.method, path, body);
  const text = r.json === undefined ? '' : JSON.stringify(r.json);
  const exchange: Exchange = {
    request: { method: c.method, url: `${ctx.controlUrl}${path}`, headers: {}, ...(body !== undefined ? { body: JSON.stringify(body).slice(0, EXCERPT) } : {}) },
    response: { status: r.status, headers: {}, body: text.slice(0, EXCERPT) },
    ms: Math.round(performance.now() - started),
  };
  const result: StepResult = { status: r.status, body: r.json, text, headers: {}, request: { path: {}, query, body } };
  const problems: string[] = [];
  const want = step.expect?.status !== undefined ? statuses(step.expect.status) : null;
  if (want ? !want.includes(r.status) : r.status < 200 || r.status >= 300) problems.push(`control API ${c.method} ${c.path} answered ${r.status}${want ? `, expected ${want.join(' or ')}` : ''}`);
  else for (const a of step.expect?.that ?? []) problems.push(...checkAssertion(r.json, a, scope));
  return { result, exchange, problems };
}

/** Runs one step, records its result in the scope and collects its codes. */
export async function runStep(ctx: CheckContext, step: FlowStep, scope: FlowScope): Promise<StepOutcome> {
  let out: StepOutcome;
  try {
    if (step.control) out = await runControlStep(ctx, step, scope);
    else if (step.operation) out = await runOperationStep(ctx, step, scope);
    else out = { problems: ['the step names neither an operation nor a control call'] };
  } catch (err) {
    if (!(err instanceof FlowError)) throw err;
    out = { problems: [err.message] };
  }
  if (out.result) {
    scope.steps[step.name] = out.result;
    for (const pointer of step.secrets ?? []) for (const secret of select(out.result.body, pointer)) if (typeof secret === 'string' && secret.length >= 6) scope.secrets.add(secret);
    if (!out.problems.length) {
      for (const pointer of step.codes ?? []) for (const code of select(out.result.body, pointer)) if (typeof code === 'string' && code.length >= 6) scope.codes.set(code, step.name);
    }
  }
  return out;
}

const stripSeparators = (s: string) => s.replace(/[\s-]/g, '').toUpperCase();

/** Whether `text` contains `code`, as written or without its separators (a code typed `ABCD-EFGH` or `abcdefgh`). */
export function containsCode(text: string, code: string): boolean {
  if (text.includes(code)) return true;
  const bare = stripSeparators(code);
  return bare.length >= 8 && stripSeparators(text).includes(bare);
}

/** Why a flow cannot run against this target (a skip reason), or undefined. */
export function flowSkipReason(ctx: CheckContext, flow: FlowDeclaration): string | undefined {
  const all = [...flow.steps, ...(flow.cleanup ?? [])];
  if (!ctx.controlUrl && all.some((s) => s.control)) return `needs the sandbox control API, and the target has no control URL: ${flow.control ?? 'a step reads or changes sandbox state'}`;
  const missing = [...new Set(all.filter((s) => !s.control).map((s) => roleOf(ctx, s)))].filter((r) => !ctx.credentials[r]);
  if (missing.length) return `the credentials file has no ${missing.map((r) => `"${r}"`).join(', ')} role`;
  const unknown = all.filter((s) => s.operation && !ctx.contract.operations.some((o) => o.operationId === s.operation)).map((s) => s.operation);
  if (unknown.length) return `the contract has no operation ${unknown.join(', ')}`;
  return undefined;
}

export interface FlowRunOptions {
  /** Put before every subject (the webhooks check: `trigger: `). */
  prefix?: string;
  /** Record failures and skips only. */
  quiet?: boolean;
  /** Leave the cleanup to the caller (runCleanup), e.g. until the events the flow caused are delivered. */
  deferCleanup?: boolean;
}

/** Runs a flow's cleanup steps; records only what failed. */
export async function runCleanup(ctx: CheckContext, flow: FlowDeclaration, scope: FlowScope, options: FlowRunOptions = {}): Promise<void> {
  for (const step of flow.cleanup ?? []) {
    const out = await runStep(ctx, step, scope);
    if (out.problems.length) {
      ctx.record({ subject: `${options.prefix ?? ''}${flow.name} › cleanup ${step.name}`, outcome: 'fail', reason: `could not undo the flow's changes: ${out.problems.join('; ')}`, ...(out.exchange ? { exchange: redactExchange(out.exchange, scope) } : {}) });
    }
  }
}

export type FlowResult = 'passed' | 'failed' | 'skipped';

/** Runs a flow: one finding per step (the first failure stops it), the codes finding, then the cleanup. */
export async function runFlow(ctx: CheckContext, flow: FlowDeclaration, scope: FlowScope, options: FlowRunOptions = {}): Promise<FlowResult> {
  const prefix = options.prefix ?? '';
  const record = (f: Omit<Finding, 'check'>) => {
    if (!(options.quiet && f.outcome === 'pass')) ctx.record(f.exchange ? { ...f, exchange: redactExchange(f.exchange, scope) } : f);
  };
  const skip = flowSkipReason(ctx, flow);
  if (skip) {
    record({ subject: `${prefix}${flow.name}`, outcome: 'skip', reason: skip });
    return 'skipped';
  }
  scope.vars.unique = randomBytes(5).toString('hex');
  const subject = (s: FlowStep) => `${prefix}${flow.name} › ${s.name}${s.operation ? ` (${s.operation})` : s.control ? ' (control API)' : ''}`;
  let failed = false;
  const ran: FlowStep[] = [];
  try {
    for (const [i, step] of flow.steps.entries()) {
      const out = await runStep(ctx, step, scope);
      ran.push(step);
      const ex = out.exchange ? { exchange: out.exchange } : {};
      if (out.problems.length) {
        failed = true;
        record({ subject: subject(step), outcome: 'fail', reason: out.problems.join('; '), ...ex });
        const rest = flow.steps.slice(i + 1);
        if (rest.length) record({ subject: `${prefix}${flow.name} › ${rest.map((s) => s.name).join(', ')}`, outcome: 'skip', reason: `not run: step "${step.name}" failed` });
        break;
      }
      record({ subject: subject(step), outcome: 'pass', ...ex });
    }
    // Codes only where they are meant to be: no other response of the flow carries one.
    const codeSteps = flow.steps.filter((s) => s.codes?.length);
    if (codeSteps.length && scope.codes.size) {
      const leaks: string[] = [];
      for (const step of ran) {
        if (step.codes?.length) continue;
        const text = scope.steps[step.name]?.text ?? '';
        for (const [code, from] of scope.codes) if (containsCode(text, code)) leaks.push(`${step.name} (${step.operation ?? 'control'}) returns a code that only ${from} should carry`);
      }
      record({
        subject: `${prefix}${flow.name} › codes only from ${codeSteps.map((s) => s.operation ?? s.name).join(', ')}`,
        outcome: leaks.length ? 'fail' : 'pass',
        ...(leaks.length ? { reason: leaks.join('; ') } : {}),
      });
      if (leaks.length) failed = true;
    }
  } finally {
    if (!options.deferCleanup) await runCleanup(ctx, flow, scope, options);
  }
  return failed ? 'failed' : 'passed';
}

// ---------------------------------------------------------------------------------------------
// Recipes: the request under test after the steps that create what it needs

export type Prepared = { ok: true; op: ContractOperation; role: string; input: CallInput; steps: Record<string, unknown> } | { ok: false; outcome: 'skip' | 'fail' | 'inconclusive'; reason: string; exchange?: CallResult | Exchange };

/** The status, and the error code of an error (a success's `code` may be a voucher code: never quoted). */
export const describeResult = (r: CallResult): string => (r.status ? `${r.status}${r.status >= 400 && errorCodeOf(r.json) ? ` ${errorCodeOf(r.json)}` : ''}` : `no response (${r.error})`);
export const isSuccess = (r: CallResult): boolean => r.status >= 200 && r.status < 300;

/** The first role whose credentials can authenticate an operation (`default` first). */
export function roleFor(ctx: CheckContext, op: ContractOperation): string | undefined {
  const roles = Object.keys(ctx.credentials).sort((a, b) => (a === 'default' ? -1 : b === 'default' ? 1 : 0));
  const needs = op.security.map((alt) => alt.map((s) => ctx.contract.auth.find((a) => a.scheme === s)).filter((a) => a && !a.computed).map((a) => a!.credential));
  if (!needs.length) return roles[0];
  return roles.find((role) => needs.some((creds) => creds.every((c) => ctx.credentials[role]!.credentials[c] !== undefined)));
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => Boolean(v) && typeof v === 'object' && !Array.isArray(v);

/** Example inputs with a recipe's overrides laid over them. */
export function mergeInput(base: CallInput, over: CallInput | undefined): CallInput {
  if (!over) return base;
  const out: CallInput = { ...base };
  if (over.path) out.path = { ...(base.path ?? {}), ...over.path };
  if (over.query !== undefined) out.query = typeof over.query === 'string' || typeof base.query === 'string' ? over.query : { ...(base.query ?? {}), ...over.query };
  if (over.headers) out.headers = { ...(base.headers ?? {}), ...over.headers };
  if (over.body !== undefined) out.body = isPlainObject(over.body) && isPlainObject(base.body) ? { ...base.body, ...over.body } : over.body;
  if (over.raw !== undefined) out.raw = over.raw;
  if (over.contentType !== undefined) out.contentType = over.contentType;
  return out;
}

/** A fresh Idempotency-Key for one logical operation. */
export const freshKey = (purpose: string) => `accord-${purpose}-${randomUUID()}`;

/**
 * Runs a recipe's `before` steps (the step engine, as a flow would) and builds the input for the
 * operation under test. A flow that cannot run here (control API missing, role missing) is a skip;
 * a step that does not succeed fails the finding (the declaration says it should), unless its
 * answer says nothing about the implementation (a 429, no response): then it is inconclusive.
 */
export async function prepare(ctx: CheckContext, op: ContractOperation, recipe: OperationRecipe | undefined): Promise<Prepared> {
  if (recipe?.skip) return { ok: false, outcome: 'skip', reason: recipe.skip };
  const before = recipe?.before ?? [];
  const skip = before.length ? flowSkipReason(ctx, { name: 'setup', summary: '', steps: before }) : undefined;
  if (skip) return { ok: false, outcome: 'skip', reason: `setup: ${skip}` };
  const scope = newScope(ctx);
  for (const step of before) {
    const out = await runStep(ctx, step, scope);
    if (out.problems.length) {
      const status = out.exchange?.response?.status;
      const outcome = out.exchange && (status === undefined || status === 429) ? 'inconclusive' : 'fail';
      return { ok: false, outcome, reason: `setup step "${step.name}"${step.operation ? ` (${step.operation})` : ' (control API)'}: ${out.problems.join('; ')}`, ...(out.exchange ? { exchange: out.exchange } : {}) };
    }
  }
  const role = recipe?.role ?? roleFor(ctx, op);
  if (!role) return { ok: false, outcome: 'skip', reason: `no role in the credentials file can call ${op.operationId}` };
  try {
    const input = mergeInput(exampleInput(ctx, op), resolve(recipe?.input, scope) as CallInput | undefined);
    return { ok: true, op, role, input, steps: Object.fromEntries(Object.entries(scope.steps).map(([k, v]) => [k, v.body])) };
  } catch (err) {
    if (!(err instanceof FlowError)) throw err;
    return { ok: false, outcome: 'fail', reason: `could not prepare the request: ${err.message}` };
  }
}

// ---------------------------------------------------------------------------------------------
// Restoring state before a run

/**
 * Runs a provider's `restore` steps (harness/declarations.ts) before the checks, so a second run
 * finds what the first found. Returns the problems (the run reports them); nothing to do when the
 * steps need a control API the target lacks.
 */
export async function restoreState(ctx: CheckContext, steps: readonly FlowStep[] | undefined): Promise<string[]> {
  if (!steps?.length) return [];
  if (flowSkipReason(ctx, { name: 'restore', summary: '', steps })) return [];
  const scope = newScope(ctx);
  const problems: string[] = [];
  for (const step of steps) {
    const out = await runStep(ctx, step, scope);
    if (out.problems.length) problems.push(`restore step "${step.name}": ${out.problems.join('; ')}`);
  }
  return problems;
}
