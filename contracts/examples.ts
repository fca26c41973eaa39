/** Request inputs for an operation, taken from the spec's own examples (what a mock accepts). */
import { deref, resolvePointer } from './walk.ts';
import type { ContractOperation } from '../runtime/contract.ts';

function exampleOf(doc: any, node: any): unknown {
  if (!node) return undefined;
  if (node.example !== undefined) return node.example;
  const first = Object.values<any>(node.examples ?? {})[0];
  if (first) return deref(doc, first).value;
  const schema = deref(doc, node.schema ?? node);
  if (!schema) return undefined;
  if (Array.isArray(schema.examples) && schema.examples.length) return schema.examples[0];
  if (schema.example !== undefined) return schema.example;
  if (schema.default !== undefined) return schema.default;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if (schema.const !== undefined) return schema.const;
  if (schema.type === 'array' && schema.items) {
    const item = exampleOf(doc, { schema: schema.items });
    return item === undefined ? undefined : [item];
  }
  return undefined;
}

export interface ExampleRequest {
  path: Record<string, unknown>;
  query: Record<string, unknown>;
  header: Record<string, unknown>;
  body: unknown;
}

/** Path and required query/header parameters and the request body, from examples. */
export function exampleRequest(doc: any, op: ContractOperation): ExampleRequest {
  const item = doc.paths[op.path];
  const raw = item[op.method];
  const out: ExampleRequest = { path: {}, query: {}, header: {}, body: undefined };
  for (const p of [...(item.parameters ?? []), ...(raw.parameters ?? [])].map((x) => deref(doc, x))) {
    if (!p || (p.in !== 'path' && !p.required)) continue;
    if (p.in === 'header' && String(p.name).toLowerCase() === 'idempotency-key') continue;
    const value = exampleOf(doc, p);
    if (value === undefined) throw new Error(`${op.operationId}: parameter ${p.name} has no example`);
    if (p.in === 'path' || p.in === 'query' || p.in === 'header') out[p.in as 'path' | 'query' | 'header'][p.name] = value;
  }
  if (raw.requestBody) {
    const media = deref(doc, raw.requestBody).content?.['application/json'];
    out.body = exampleOf(doc, media);
  }
  return out;
}

/** The JSON schema pointer of an operation's response for a status (exact, NXX, default). */
export function responseSchemaPointer(doc: any, op: ContractOperation, status: number): string | undefined {
  const responses = doc.paths[op.path][op.method].responses;
  const key = [String(status), `${String(status)[0]}XX`, 'default'].find((k) => responses[k]);
  if (!key) return undefined;
  const r = responses[key];
  const base = r.$ref ?? `#/paths/${op.path.replace(/~/g, '~0').replace(/\//g, '~1')}/${op.method}/responses/${key}`;
  const resolved = resolvePointer(doc, base) as any;
  return resolved?.content?.['application/json']?.schema ? `${base}/content/application~1json/schema` : undefined;
}
