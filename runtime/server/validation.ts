/**
 * Request validators compiled once per operation from the bundled spec with ajv: path, query and
 * header parameters (strings coerced to their schema types) and the JSON body (not coerced).
 */
import type { ValidateFunction } from 'ajv';
import { createSchemaSet, formatAjvErrors, type SchemaSet } from '../../contracts/schemas.ts';
import { deref, pointerOf } from '../../contracts/walk.ts';
import type { Contract, ContractOperation } from '../contract.ts';

export interface OperationValidators {
  path: ValidateFunction;
  query: ValidateFunction;
  header: ValidateFunction;
  body: ValidateFunction | null;
  /** Response body validators by declared status key ('200', '4XX', 'default'). */
  responses: Map<string, ValidateFunction | null>;
  /** Header parameter names as declared, by lowercase name. */
  headerNames: Map<string, string>;
  /** Query parameters whose schema is an array (repeatable keys). */
  arrayQuery: Set<string>;
}

export function compileValidators(doc: any, contract: Contract): Map<string, OperationValidators> {
  const params: SchemaSet = createSchemaSet(doc, 'accord:params', { coerceTypes: 'array' });
  const bodies: SchemaSet = createSchemaSet(doc, 'accord:bodies');
  const out = new Map<string, OperationValidators>();
  for (const op of contract.operations) out.set(op.operationId, compileOne(doc, op, params, bodies));
  return out;
}

function compileOne(doc: any, op: ContractOperation, params: SchemaSet, bodies: SchemaSet): OperationValidators {
  const item = doc.paths[op.path];
  const raw = item[op.method];
  const groups: Record<'path' | 'query' | 'header', { properties: Record<string, unknown>; required: string[] }> = {
    path: { properties: {}, required: [] },
    query: { properties: {}, required: [] },
    header: { properties: {}, required: [] },
  };
  const headerNames = new Map<string, string>();
  const arrayQuery = new Set<string>();
  const declared: Array<[any, (string | number)[]]> = [
    ...(item.parameters ?? []).map((p: any, i: number) => [p, ['paths', op.path, 'parameters', i]] as [any, (string | number)[]]),
    ...(raw.parameters ?? []).map((p: any, i: number) => [p, ['paths', op.path, op.method, 'parameters', i]] as [any, (string | number)[]]),
  ];
  for (const [p, at] of declared) {
    const param = deref(doc, p);
    if (!param || !(param.in in groups)) continue;
    const pointer = p.$ref ? `${p.$ref}/schema` : pointerOf([...at, 'schema']);
    const key = param.in === 'header' ? String(param.name).toLowerCase() : param.name;
    if (param.in === 'header') headerNames.set(key, param.name);
    if (param.in === 'query' && deref(doc, param.schema)?.type === 'array') arrayQuery.add(param.name);
    const group = groups[param.in as 'path' | 'query' | 'header'];
    group.properties[key] = { $ref: `accord:params${pointer}` };
    if (param.required) group.required.push(key);
  }
  const compile = (g: (typeof groups)['path']) => params.ajv.compile({ type: 'object', properties: g.properties, required: g.required });
  let body: ValidateFunction | null = null;
  if (raw.requestBody) {
    const rb = deref(doc, raw.requestBody);
    if (rb?.content?.['application/json']?.schema) {
      const pointer = raw.requestBody.$ref ? `${raw.requestBody.$ref}/content/application~1json/schema` : pointerOf(['paths', op.path, op.method, 'requestBody', 'content', 'application/json', 'schema']);
      body = bodies.validatorAt(pointer);
    }
  }
  const responses = new Map<string, ValidateFunction | null>();
  for (const [status, r] of Object.entries<any>(raw.responses ?? {})) {
    const resolved = deref(doc, r);
    const hasJson = Boolean(resolved?.content?.['application/json']?.schema);
    const pointer = r.$ref ? `${r.$ref}/content/application~1json/schema` : pointerOf(['paths', op.path, op.method, 'responses', status, 'content', 'application/json', 'schema']);
    responses.set(status, hasJson ? bodies.validatorAt(pointer) : null);
  }
  return { path: compile(groups.path), query: compile(groups.query), header: compile(groups.header), body, responses, headerNames, arrayQuery };
}

/** The validator for a response status: exact key first, then its `NXX` range, then `default`. */
export function responseValidator(v: OperationValidators, status: number): ValidateFunction | null | undefined {
  // null: documented without a JSON body (a 204); undefined: not documented at all.
  for (const key of [String(status), `${String(status)[0]}XX`, 'default']) if (v.responses.has(key)) return v.responses.get(key);
  return undefined;
}

export { formatAjvErrors };
