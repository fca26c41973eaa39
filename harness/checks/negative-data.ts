/**
 * negative_data: requests that break the operation's own schemas — in the body, the path and the
 * query — must be refused with a 4xx in the provider's error envelope, never a 5xx and never
 * accepted. Every case is derived from the spec (no per-provider code): start from a valid
 * request (the spec's examples), change one thing, confirm with ajv that the request now breaks
 * the schema, send it.
 */
import type { ValidateFunction } from 'ajv';
import { createSchemaSet, type SchemaSet } from '../../contracts/schemas.ts';
import type { ContractOperation } from '../../runtime/contract.ts';
import { baseInput, inputRole } from '../arbitraries/operation.ts';
import { exchangeOf } from '../http.ts';
import { requestShape, routablePathValue, type RequestParameter } from '../arbitraries/request.ts';
import { alternatives, stableJson, typesOf } from '../arbitraries/schema.ts';
import { ABSENT, applyViolation, describePath, violationsOf, type ViolationKind } from '../arbitraries/violations.ts';
import type { CallInput, CallResult } from '../http.ts';
import { documentedResponse, errorCodeOf } from '../probe.ts';
import { operationsOf, type Check, type CheckContext } from '../types.ts';

export interface NegativeCase {
  /** `body`, `body.owner.phone`, `path order_id`, `query per_page`. */
  where: string;
  /** The rule the request breaks. */
  rule: string;
  kind: ViolationKind | 'transport';
  input: CallInput;
}

/** Body that is not JSON, JSON under another media type, a required body left out: always sent first. */
function transportCases(body: { required: boolean } | undefined, base: CallInput): NegativeCase[] {
  if (!body) return [];
  const text = JSON.stringify(base.body ?? {});
  const cases: NegativeCase[] = [
    { where: 'body', rule: 'malformed JSON', kind: 'transport', input: { ...base, body: undefined, raw: text.slice(0, -1) || '{', contentType: 'application/json' } },
    { where: 'body', rule: 'Content-Type application/json (sent text/plain)', kind: 'transport', input: { ...base, body: undefined, raw: text, contentType: 'text/plain' } },
  ];
  if (body.required) cases.push({ where: 'body', rule: 'required request body', kind: 'transport', input: { ...base, body: undefined } });
  return cases;
}

/** Parameter validators with the router's coercion (path and query values arrive as strings). */
const paramValidators = new WeakMap<object, { set: SchemaSet; byPointer: Map<string, ValidateFunction> }>();

function paramValidator(ctx: CheckContext, pointer: string): ValidateFunction {
  let entry = paramValidators.get(ctx.doc);
  if (!entry) paramValidators.set(ctx.doc, (entry = { set: createSchemaSet(ctx.doc, 'accord:negative-params', { coerceTypes: 'array' }), byPointer: new Map() }));
  let fn = entry.byPointer.get(pointer);
  if (!fn) {
    fn = entry.set.ajv.compile({ type: 'object', properties: { value: { $ref: `accord:negative-params${pointer}` } }, required: ['value'] });
    entry.byPointer.set(pointer, fn);
  }
  return fn;
}

/** The text a parameter is sent as; objects and arrays have no single-value form (an empty array would send nothing at all). */
const asParam = (v: unknown): string | undefined => (v !== null && typeof v === 'object' ? undefined : String(v));

function parameterCases(ctx: CheckContext, p: RequestParameter, base: CallInput): NegativeCase[] {
  if (p.in !== 'path' && p.in !== 'query') return [];
  const group = { ...((base[p.in] as Record<string, unknown> | undefined) ?? {}) };
  const current = group[p.name];
  const where = `${p.in} ${p.name}`;
  const out: NegativeCase[] = [];
  if (p.in === 'query' && p.required) {
    const { [p.name]: _dropped, ...rest } = group;
    out.push({ where, rule: 'required', kind: 'required', input: { ...base, query: rest } });
  }
  const validate = paramValidator(ctx, p.pointer);
  let stringTyped = true;
  try {
    stringTyped = alternatives(p.schema, ctx.doc).some((s) => typesOf(s).includes('string'));
  } catch {
    // an unsupported schema yields no violations below either
  }
  for (const v of violationsOf(p.schema, current, { root: ctx.doc, random: ctx.random })) {
    if (v.at.length || v.value === ABSENT) continue;
    const value = asParam(v.value);
    if (value === undefined) continue;
    if (p.in === 'path' && !routablePathValue(value)) continue;
    if (validate({ value })) continue;
    // Parameters travel as text: a "wrong type" for a string parameter is just another string.
    if (v.kind === 'type' && stringTyped) continue;
    const rule = v.kind === 'type' ? `${v.rule.replace(/ \(sent .*\)$/, '')} (sent "${value}")` : v.rule;
    out.push({ where, rule, kind: v.kind, input: { ...base, [p.in]: { ...group, [p.name]: value } } });
  }
  return out;
}

/** Every schema-breaking request for an operation, each confirmed invalid by ajv, without duplicates. */
export function negativeCases(ctx: CheckContext, op: ContractOperation): NegativeCase[] {
  const shape = requestShape(ctx.doc, op);
  const base = baseInput(ctx, op, shape);
  const cases = transportCases(shape.body, base);
  for (const p of shape.parameters) cases.push(...parameterCases(ctx, p, base));
  if (shape.body && base.body !== undefined) {
    const validate = ctx.schemas.validatorAt(shape.body.pointer);
    for (const v of violationsOf(shape.body.schema, base.body, { root: ctx.doc, random: ctx.random })) {
      const body = applyViolation(base.body, v);
      if (validate(body)) continue;
      cases.push({ where: describePath('body', v.path), rule: v.rule, kind: v.kind, input: { ...base, body } });
    }
  }
  const seen = new Set<string>();
  return cases.filter((c) => {
    const key = stableJson([c.input.path, c.input.query, c.input.body, c.input.raw, c.input.contentType]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function shuffle<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * At most `max` cases: the transport cases first, then round robin over (location, kind) groups
 * in a seeded order, so a small budget still covers types, bounds, lengths, patterns, formats,
 * enums, missing and unknown fields across body, path and query.
 */
export function selectCases(cases: NegativeCase[], max: number, random: () => number): NegativeCase[] {
  const first = cases.filter((c) => c.kind === 'transport');
  const groups = new Map<string, NegativeCase[]>();
  for (const c of shuffle(cases.filter((x) => x.kind !== 'transport'), random)) {
    const key = `${c.where.split(/[ .[]/)[0]}:${c.kind}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const queues = [...groups.values()];
  const picked = [...first];
  while (queues.some((q) => q.length)) for (const q of queues) if (q.length) picked.push(q.shift()!);
  return picked.slice(0, max);
}

function judge(ctx: CheckContext, op: ContractOperation, c: NegativeCase, r: CallResult, envelope: ValidateFunction | undefined): { outcome: 'pass' | 'fail' | 'skip'; reason?: string } {
  const what = `${c.where} breaks ${c.rule}`;
  if (r.status === 0) return { outcome: 'fail', reason: `no response (${r.error}); ${what}` };
  if (r.status >= 500) return { outcome: 'fail', reason: `server error ${r.status}${errorCodeOf(r.json) ? ` ${errorCodeOf(r.json)}` : ''} for a request whose ${what}: expected a 4xx` };
  if (r.status < 400) return { outcome: 'fail', reason: `accepted (${r.status}) a request whose ${what}: expected a 4xx` };
  if (r.status === 429) return { outcome: 'skip', reason: `rate limited before the input was judged (${what})` };
  if (r.status === 401 || r.status === 403) return { outcome: 'skip', reason: `refused by auth (${r.status}${errorCodeOf(r.json) ? ` ${errorCodeOf(r.json)}` : ''}) before the input was judged: does the role "${inputRole(ctx, op)}" reach ${op.operationId}? (${what})` };
  if (!documentedResponse(ctx, op, r.status)) return { outcome: 'fail', reason: `answered ${r.status}, which ${op.operationId} does not document (${what})` };
  if (envelope && !envelope(r.json)) {
    const problems = (envelope.errors ?? []).slice(0, 3).map((e) => `${e.instancePath || '(root)'} ${e.message}`).join('; ');
    return { outcome: 'fail', reason: `the ${r.status} body is not the ${ctx.contract.errorSchema} envelope (${problems}); ${what}` };
  }
  return { outcome: 'pass' };
}

export const negativeData: Check = {
  id: 'negative_data',
  group: 'negative',
  summary: 'requests that break the operation’s schemas are refused with a 4xx in the error envelope, never a 5xx',
  sends:
    'per operation, up to --max-examples requests derived from its schemas (seeded by --seed), each a valid example request with one thing broken: malformed JSON, a non-JSON Content-Type, a missing required body; in the body, path or query a wrong type, a number past its bound, a string too short, too long, off its pattern or format, a value outside its enum, a required field missing, an unknown field in a closed object, fields oneOf says exclude each other, arrays with too few, too many or repeated items',
  expects: 'a documented 4xx whose body is the provider’s error envelope; never a 2xx/3xx, never a 5xx (429 and 401/403 are reported as skipped: the input was not judged)',
  async run(ctx) {
    const envelope = ctx.contract.errorSchema ? ctx.schemas.validatorAt(`#/components/schemas/${ctx.contract.errorSchema}`) : undefined;
    for (const op of operationsOf(ctx)) {
      const role = inputRole(ctx, op);
      if (!ctx.credentials[role]) {
        ctx.record({ subject: op.operationId, outcome: 'skip', reason: `no "${role}" role in the credentials file` });
        continue;
      }
      const cases = selectCases(negativeCases(ctx, op), ctx.options.maxExamples, ctx.random);
      if (!cases.length) {
        ctx.record({ subject: op.operationId, outcome: 'skip', reason: 'no path or query parameter and no body to break' });
        continue;
      }
      for (const c of cases) {
        const r = await ctx.http.call(op, c.input, { role });
        ctx.record({ subject: `${op.operationId} (${c.where}: ${c.rule})`, ...judge(ctx, op, c, r, envelope), exchange: exchangeOf(r) });
      }
    }
  },
};

export const NEGATIVE = [negativeData];
