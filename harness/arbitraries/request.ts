/**
 * An operation's request as data: its parameters and body with their schemas and where those
 * schemas live in the document (for ajv), and the fast-check arbitrary of its valid requests.
 */
import fc from 'fast-check';
import { deref, pointerOf } from '../../contracts/walk.ts';
import type { ContractOperation } from '../../runtime/contract.ts';
import type { CallInput } from '../http.ts';
import { arbitraryFor, type ArbitraryOptions } from './arbitrary.ts';

export interface RequestParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  schema: unknown;
  /** JSON pointer of the parameter's schema in the document. */
  pointer: string;
}

export interface RequestShape {
  parameters: RequestParameter[];
  /** The JSON body's schema, when the operation takes one. */
  body?: { required: boolean; schema: unknown; pointer: string };
  /** The operation takes a body in another media type only (not generated). */
  nonJsonBody: boolean;
}

/** Path-level and operation-level parameters (the operation's win on name and location) and the JSON body. */
export function requestShape(doc: any, op: ContractOperation): RequestShape {
  const item = doc.paths[op.path];
  const raw = item[op.method];
  const byKey = new Map<string, RequestParameter>();
  const add = (list: unknown[] | undefined, at: Array<string | number>) =>
    (list ?? []).forEach((p: any, i) => {
      const param = deref(doc, p);
      if (!param?.in || param.schema === undefined) return;
      const pointer = p.$ref ? `${p.$ref}/schema` : pointerOf([...at, i, 'schema']);
      byKey.set(`${param.in}:${param.name}`, { name: param.name, in: param.in, required: Boolean(param.required || param.in === 'path'), schema: param.schema, pointer });
    });
  add(item.parameters, ['paths', op.path, 'parameters']);
  add(raw.parameters, ['paths', op.path, op.method, 'parameters']);
  const shape: RequestShape = { parameters: [...byKey.values()], nonJsonBody: false };
  if (raw.requestBody) {
    const rb = deref(doc, raw.requestBody);
    const media = rb?.content?.['application/json'];
    if (media?.schema !== undefined) {
      const pointer = raw.requestBody.$ref ? `${raw.requestBody.$ref}/content/application~1json/schema` : pointerOf(['paths', op.path, op.method, 'requestBody', 'content', 'application/json', 'schema']);
      shape.body = { required: Boolean(rb.required), schema: media.schema, pointer };
    } else shape.nonJsonBody = true;
  }
  return shape;
}

/** A path segment value the router can match: not empty, no `/`, not `.` or `..`. */
export const routablePathValue = (v: string) => v.length > 0 && !v.includes('/') && v !== '.' && v !== '..';

const asParamValue = (v: unknown): string | string[] => (Array.isArray(v) ? v.map((x) => String(x)) : v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v));

/**
 * Valid requests for an operation: path and query parameters and the JSON body drawn from their
 * schemas (optional query parameters and an optional body sometimes left out), required headers
 * from `fixedHeaders` (the spec's examples; credentials, signatures, request ids and
 * idempotency keys are the http layer's).
 */
export function requestArbitrary(doc: any, op: ContractOperation, fixedHeaders: Record<string, string> = {}, options: ArbitraryOptions = {}): fc.Arbitrary<CallInput> {
  const shape = requestShape(doc, op);
  const opts = { root: doc, ...options };
  const group = (where: 'path' | 'query') => {
    const params = shape.parameters.filter((p) => p.in === where);
    const model: Record<string, fc.Arbitrary<string | string[]>> = {};
    for (const p of params) {
      let arb = arbitraryFor(p.schema, opts).map(asParamValue);
      if (where === 'path') arb = arb.filter((v) => typeof v === 'string' && routablePathValue(v));
      model[p.name] = arb;
    }
    return fc.record(model, { requiredKeys: params.filter((p) => p.required).map((p) => p.name) });
  };
  const body = shape.body ? (shape.body.required ? arbitraryFor(shape.body.schema, opts) : fc.option(arbitraryFor(shape.body.schema, opts), { nil: undefined, freq: 4 })) : fc.constant(undefined);
  return fc.record({ path: group('path'), query: group('query'), body }).map(({ path, query, body: b }) => ({
    path,
    query,
    ...(Object.keys(fixedHeaders).length ? { headers: { ...fixedHeaders } } : {}),
    ...(b !== undefined ? { body: b } : {}),
  }));
}
