/**
 * What the generated-input checks (negative_data, fuzz) share: which credential role calls an
 * operation (declared per provider in harness/providers/<provider>.ts), the valid request they
 * start from, and the exchange a finding carries.
 */
import { exampleRequest } from '../../contracts/examples.ts';
import type { ContractOperation } from '../../runtime/contract.ts';
import type { CallInput } from '../http.ts';
import { harnessOf } from '../registry.ts';
import type { CheckContext } from '../types.ts';
import { type RequestShape } from './request.ts';
import { sampleValid } from './violations.ts';

/** The credential role generated requests to `op` use. */
export function inputRole(ctx: Pick<CheckContext, 'provider'>, op: ContractOperation): string {
  return harnessOf(ctx.provider.id).generatedInputRoles?.[op.operationId] ?? 'default';
}

/**
 * A valid request to start from: the spec's examples for parameters and body; a body sampled
 * from its schema when the spec has no example for it or the example does not validate.
 */
export function baseInput(ctx: CheckContext, op: ContractOperation, shape: RequestShape): CallInput {
  let ex: ReturnType<typeof exampleRequest> | undefined;
  try {
    ex = exampleRequest(ctx.doc, op);
  } catch {
    ex = undefined;
  }
  const input: CallInput = { path: { ...(ex?.path ?? {}) }, query: { ...(ex?.query ?? {}) } };
  const headers = Object.fromEntries(Object.entries(ex?.header ?? {}).map(([k, v]) => [k, String(v)]));
  if (Object.keys(headers).length) input.headers = headers;
  const options = { root: ctx.doc, random: ctx.random };
  for (const p of shape.parameters) {
    if (!p.required || (p.in !== 'path' && p.in !== 'query')) continue;
    const group = input[p.in] as Record<string, unknown>;
    if (group[p.name] === undefined) group[p.name] = sampleValid(p.schema, options);
  }
  if (shape.body) {
    const valid = ctx.schemas.validatorAt(shape.body.pointer);
    const body = ex?.body !== undefined && valid(ex.body) ? ex.body : sampleValid(shape.body.schema, options);
    if (body !== undefined) input.body = body;
  }
  return input;
}
