/**
 * The conformance probe: each operation called once with the spec's own example inputs and the
 * default credential; the five conformance checks judge different aspects of the same exchange.
 */
import { exampleRequest } from '../contracts/examples.ts';
import { deref, resolvePointer } from '../contracts/walk.ts';
import type { ContractOperation } from '../runtime/contract.ts';
import { inputRole } from './arbitraries/operation.ts';
import type { CallInput, CallResult } from './http.ts';
import type { CheckContext } from './types.ts';

/** A valid call of an operation from the spec's own examples (parameters, headers, body). */
export function exampleInput(ctx: CheckContext, op: ContractOperation): CallInput {
  const ex = exampleRequest(ctx.doc, op);
  return { path: ex.path, query: ex.query, headers: Object.fromEntries(Object.entries(ex.header).map(([k, v]) => [k, String(v)])), ...(ex.body !== undefined ? { body: ex.body } : {}) };
}

/** The role the probe calls an operation with: the one declared for valid inputs (harness/registry.ts), else `default`. */
export const probeRole = (ctx: CheckContext, op: ContractOperation): string => {
  const role = inputRole(ctx, op);
  return ctx.credentials[role] ? role : 'default';
};

/** A valid credential's request refused (401/403): a failure whatever the check judges, never a pass. */
export function refusedValidCredential(r: CallResult): string | undefined {
  if (r.status !== 401 && r.status !== 403) return undefined;
  const code = errorCodeOf(r.json);
  return `a valid, correctly signed request was refused (${r.status}${code ? ` ${code}` : ''})`;
}

const probes = new WeakMap<CheckContext, Map<string, Promise<CallResult>>>();

export function probe(ctx: CheckContext, op: ContractOperation): Promise<CallResult> {
  let byOp = probes.get(ctx);
  if (!byOp) probes.set(ctx, (byOp = new Map()));
  let p = byOp.get(op.operationId);
  if (!p) {
    p = ctx.http.call(op, exampleInput(ctx, op), { role: probeRole(ctx, op) });
    byOp.set(op.operationId, p);
  }
  return p;
}

/** The spec's response object for a status (exact, then NXX, then default), with its key. */
export function documentedResponse(ctx: CheckContext, op: ContractOperation, status: number): { key: string; response: any; pointer: string } | undefined {
  const responses = ctx.doc.paths[op.path][op.method].responses ?? {};
  const key = [String(status), `${String(status)[0]}XX`, 'default'].find((k) => responses[k]);
  if (!key) return undefined;
  const raw = responses[key];
  const pointer = raw.$ref ?? `#/paths/${op.path.replace(/~/g, '~0').replace(/\//g, '~1')}/${op.method}/responses/${key}`;
  return { key, response: deref(ctx.doc, raw), pointer };
}

/** Validates a body against the JSON schema of a documented response; problems as lines. */
export function schemaProblems(ctx: CheckContext, responsePointer: string, body: unknown): string[] | null {
  const resolved = resolvePointer(ctx.doc, responsePointer) as any;
  if (!resolved?.content?.['application/json']?.schema) return null;
  const validate = ctx.schemas.validatorAt(`${responsePointer}/content/application~1json/schema`);
  if (validate(body)) return [];
  return (validate.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || '(root)'} ${e.message}${e.keyword === 'additionalProperties' ? ` "${(e.params as any).additionalProperty}"` : ''}`);
}

/** Finds the machine error code in an error body (`code` at the top or one level down). */
export function errorCodeOf(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as Record<string, any>;
  if (typeof b.code === 'string') return b.code;
  for (const v of Object.values(b)) if (v && typeof v === 'object' && typeof (v as any).code === 'string') return (v as any).code;
  return undefined;
}
