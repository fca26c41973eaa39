/**
 * Recipes: how a check gets a request to an operation that actually does something — the spec's
 * example inputs, overridden where a provider declaration says so (harness/providers/<provider>.ts),
 * after the calls that create what it needs (a voucher to cancel, an action to reverse). Provider
 * knowledge stays data; this module only reads it. Used by the idempotency and rate-limit checks.
 */
import { randomUUID } from 'node:crypto';
import { operationById, type ContractOperation } from '../../runtime/contract.ts';
import type { CallInput, CallOptions, CallResult } from '../http.ts';
import { errorCodeOf } from '../probe.ts';
import type { CheckContext } from '../types.ts';
import { exampleInput } from '../probe.ts';

/**
 * An operation call in a recipe. Strings in `input` may hold `{{step/json/pointer}}`: a value from
 * an earlier step's JSON answer (a string that is only the template becomes the value, type kept).
 */
export interface RecipeCall {
  operationId: string;
  /** Credential role; default: `default` when it can authenticate the operation, else the first role that can. */
  role?: string;
  /** Replaces the spec example's inputs: path, query and headers key by key, an object body key by key (top level), any other body whole. */
  input?: CallInput;
}

/** A call made before the one under test; its answer is available to later templates under `name`. */
export interface RecipeStep extends RecipeCall {
  name: string;
}

/** A read from accord's sandbox control API (only when the target has one), e.g. the OTP "texted" to a voucher owner. */
export interface RecipeControlStep {
  name: string;
  control: { method: 'GET' | 'POST'; path: string; body?: unknown };
}

export interface OperationRecipe {
  role?: string;
  input?: CallInput;
  /** Calls (and control reads) that create what the operation needs, in order. */
  before?: Array<RecipeStep | RecipeControlStep>;
  /** The check does not apply to this operation, and why. */
  skip?: string;
}

export type Prepared = { ok: true; op: ContractOperation; role: string; input: CallInput; steps: Record<string, unknown> } | { ok: false; outcome: 'skip' | 'fail'; reason: string; exchange?: CallResult };

export const describeResult = (r: CallResult): string => (r.status ? `${r.status}${errorCodeOf(r.json) ? ` ${errorCodeOf(r.json)}` : ''}` : `no response (${r.error})`);
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

function pointerGet(value: unknown, pointer: string): unknown {
  if (!pointer) return value;
  let node: any = value;
  for (const raw of pointer.replace(/^\//, '').split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !(key in node)) return undefined;
    node = node[key];
  }
  return node;
}

const TEMPLATE = /\{\{([^}]+)\}\}/g;

/** Fills `{{…}}` templates in a recipe value (see RecipeCall). Throws when a reference is missing. */
export function fillTemplates(value: unknown, steps: Record<string, unknown>): unknown {
  const lookup = (ref: string): unknown => {
    const slash = ref.indexOf('/');
    const name = slash < 0 ? ref : ref.slice(0, slash);
    if (!(name in steps)) throw new Error(`no earlier step "${name}"`);
    const v = pointerGet(steps[name], slash < 0 ? '' : ref.slice(slash));
    if (v === undefined) throw new Error(`step "${name}" answered without ${ref.slice(slash)}`);
    return v;
  };
  if (typeof value === 'string') {
    const whole = /^\{\{([^}]+)\}\}$/.exec(value);
    if (whole) return lookup(whole[1]!);
    return value.replace(TEMPLATE, (_m, ref: string) => String(lookup(ref)));
  }
  if (Array.isArray(value)) return value.map((v) => fillTemplates(v, steps));
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillTemplates(v, steps)]));
  return value;
}

/** A fresh Idempotency-Key for one logical operation. */
export const freshKey = (purpose: string) => `accord-${purpose}-${randomUUID()}`;

/**
 * Runs a recipe's steps and builds the input for the operation under test. Steps that need the
 * control API are skipped (with the reason) when the target has none; a step that does not
 * succeed fails the finding (the declaration says it should).
 */
export async function prepare(ctx: CheckContext, op: ContractOperation, recipe: OperationRecipe | undefined): Promise<Prepared> {
  if (recipe?.skip) return { ok: false, outcome: 'skip', reason: recipe.skip };
  const steps: Record<string, unknown> = {};
  try {
    for (const step of recipe?.before ?? []) {
      if ('control' in step) {
        if (!ctx.controlUrl) return { ok: false, outcome: 'skip', reason: `needs the sandbox control API (${step.control.method} ${step.control.path}) and the target has none` };
        const path = String(fillTemplates(step.control.path, steps));
        const res = await ctx.http.control(step.control.method, path, step.control.body === undefined ? undefined : fillTemplates(step.control.body, steps));
        if (res.status >= 300) return { ok: false, outcome: 'fail', reason: `setup step "${step.name}" (control ${step.control.method} ${path}) answered ${res.status}` };
        steps[step.name] = res.json;
        continue;
      }
      const stepOp = operationById(ctx.contract, step.operationId);
      const role = step.role ?? roleFor(ctx, stepOp);
      if (!role) return { ok: false, outcome: 'skip', reason: `no role in the credentials file can call ${stepOp.operationId}` };
      const input = mergeInput(exampleInput(ctx, stepOp), fillTemplates(step.input, steps) as CallInput | undefined);
      const r = await ctx.http.call(stepOp, input, { role, ...(stepOp.idempotency ? { idempotencyKey: freshKey('setup') } : {}) } satisfies CallOptions);
      if (!isSuccess(r)) return { ok: false, outcome: 'fail', reason: `setup step "${step.name}" (${stepOp.operationId}) answered ${describeResult(r)}`, exchange: r };
      steps[step.name] = r.json;
    }
    const role = recipe?.role ?? roleFor(ctx, op);
    if (!role) return { ok: false, outcome: 'skip', reason: `no role in the credentials file can call ${op.operationId}` };
    const input = mergeInput(exampleInput(ctx, op), fillTemplates(recipe?.input, steps) as CallInput | undefined);
    return { ok: true, op, role, input, steps };
  } catch (err) {
    return { ok: false, outcome: 'fail', reason: `could not prepare the request: ${(err as Error).message}` };
  }
}

/** What the idempotency checks need to know about one idempotent operation (harness/providers/<provider>.ts). */
export interface IdempotencyRecipe extends OperationRecipe {
  /** Another valid body for the same key (idempotency_conflict), laid over the request's body; default: one field of the body changed, validated against the schema. */
  conflictBody?: unknown;
  /** The list that shows what one execution creates (one more item each time); null: the operation creates nothing listable. Default: the GET on the same path, when there is one. */
  list?: RecipeCall | null;
}

/** How the rate_limit check exhausts one rate-limit class (harness/providers/<provider>.ts). */
export interface RateLimitRecipe extends OperationRecipe {
  /** The operation to repeat; default: a read in the class, else an idempotent write replayed under one key. */
  operationId?: string;
}
