/** JSON pointer helpers and a walker over the places an OpenAPI 3.1 document holds schemas and examples. */
import type { OpenApiDocument } from './document.ts';

export const escapePointer = (segment: string | number) => String(segment).replace(/~/g, '~0').replace(/\//g, '~1');
export const pointerOf = (segments: ReadonlyArray<string | number>) => '#' + segments.map((s) => '/' + escapePointer(s)).join('');

/** Resolves a local `#/...` pointer in the document. Returns undefined when it does not exist. */
export function resolvePointer(doc: unknown, pointer: string): unknown {
  if (pointer === '#' || pointer === '') return doc;
  if (!pointer.startsWith('#/')) return undefined;
  let node: any = doc;
  for (const raw of pointer.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !(key in node)) return undefined;
    node = node[key];
  }
  return node;
}

/** Follows `$ref` chains of OpenAPI objects (not schemas) until a concrete object. */
export function deref<T = any>(doc: OpenApiDocument, node: any, seen = new Set<string>()): T {
  while (node && typeof node === 'object' && typeof node.$ref === 'string' && node.$ref.startsWith('#')) {
    if (seen.has(node.$ref)) break;
    seen.add(node.$ref);
    node = resolvePointer(doc, node.$ref);
  }
  return node as T;
}

/** An example value found in the document, and the schema it must satisfy. */
export interface ExampleSite {
  /** Where the example is written (after following an examples-map `$ref`). */
  examplePointer: string;
  /** Pointer of the schema it must validate against. */
  schemaPointer: string;
  value: unknown;
}

const SUBSCHEMA_MAPS = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas'] as const;
const SUBSCHEMA_SINGLE = ['additionalProperties', 'items', 'not', 'if', 'then', 'else', 'contains', 'propertyNames', 'unevaluatedProperties', 'unevaluatedItems'] as const;
const SUBSCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'] as const;

/** Visits a schema and all its subschemas (not following `$ref`), with their pointer segments. */
export function walkSchema(schema: unknown, at: Array<string | number>, visit: (schema: Record<string, any>, at: Array<string | number>) => void): void {
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return;
  const s = schema as Record<string, any>;
  visit(s, at);
  for (const k of SUBSCHEMA_MAPS) if (s[k] && typeof s[k] === 'object') for (const [name, sub] of Object.entries(s[k])) walkSchema(sub, [...at, k, name], visit);
  for (const k of SUBSCHEMA_SINGLE) if (s[k] && typeof s[k] === 'object') walkSchema(s[k], [...at, k], visit);
  for (const k of SUBSCHEMA_LISTS) if (Array.isArray(s[k])) s[k].forEach((sub: unknown, i: number) => walkSchema(sub, [...at, k, i], visit));
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/**
 * Every schema root in the document (component schemas and every `schema` of a parameter,
 * header or media type), each with its pointer, and every example with the schema it must satisfy.
 */
export function collectSchemasAndExamples(doc: OpenApiDocument): { schemaRoots: string[]; examples: ExampleSite[] } {
  const schemaRoots: string[] = [];
  const examples: ExampleSite[] = [];

  const holder = (node: any, at: Array<string | number>) => {
    // A Parameter, Header or MediaType: `schema` plus `example` / `examples` (a map of Example objects).
    if (!node || typeof node !== 'object' || node.$ref) return;
    if (node.schema === undefined) return;
    const schemaAt = [...at, 'schema'];
    schemaRoots.push(pointerOf(schemaAt));
    if (node.example !== undefined) examples.push({ examplePointer: pointerOf([...at, 'example']), schemaPointer: pointerOf(schemaAt), value: node.example });
    for (const [name, ex] of Object.entries<any>(node.examples ?? {})) {
      const refd = ex && typeof ex.$ref === 'string';
      const concrete = deref(doc, ex);
      if (concrete && typeof concrete === 'object' && 'value' in concrete) {
        examples.push({ examplePointer: refd ? ex.$ref : pointerOf([...at, 'examples', name]), schemaPointer: pointerOf(schemaAt), value: concrete.value });
      }
    }
  };
  const parameters = (list: any, at: Array<string | number>) => Array.isArray(list) && list.forEach((p, i) => holder(p, [...at, i]));
  const content = (c: any, at: Array<string | number>) => c && typeof c === 'object' && Object.entries(c).forEach(([mt, m]) => holder(m, [...at, mt]));
  const headers = (h: any, at: Array<string | number>) => h && typeof h === 'object' && Object.entries(h).forEach(([n, v]) => holder(v, [...at, n]));
  const response = (r: any, at: Array<string | number>) => {
    if (!r || r.$ref) return;
    headers(r.headers, [...at, 'headers']);
    content(r.content, [...at, 'content']);
  };
  const operation = (op: any, at: Array<string | number>) => {
    parameters(op.parameters, [...at, 'parameters']);
    if (op.requestBody && !op.requestBody.$ref) content(op.requestBody.content, [...at, 'requestBody', 'content']);
    for (const [status, r] of Object.entries<any>(op.responses ?? {})) response(r, [...at, 'responses', status]);
    for (const [name, cb] of Object.entries<any>(op.callbacks ?? {})) if (!cb.$ref) for (const [expr, item] of Object.entries<any>(cb)) pathItem(item, [...at, 'callbacks', name, expr]);
  };
  const pathItem = (item: any, at: Array<string | number>) => {
    if (!item || item.$ref) return;
    parameters(item.parameters, [...at, 'parameters']);
    for (const m of HTTP_METHODS) if (item[m]) operation(item[m], [...at, m]);
  };

  for (const [p, item] of Object.entries<any>(doc.paths ?? {})) pathItem(item, ['paths', p]);
  for (const [w, item] of Object.entries<any>(doc.webhooks ?? {})) pathItem(item, ['webhooks', w]);
  const comp = doc.components ?? {};
  for (const [n, s] of Object.entries<any>(comp.schemas ?? {})) {
    schemaRoots.push(pointerOf(['components', 'schemas', n]));
    void s;
  }
  for (const [n, p] of Object.entries<any>(comp.parameters ?? {})) holder(p, ['components', 'parameters', n]);
  for (const [n, h] of Object.entries<any>(comp.headers ?? {})) holder(h, ['components', 'headers', n]);
  for (const [n, r] of Object.entries<any>(comp.responses ?? {})) response(r, ['components', 'responses', n]);
  for (const [n, b] of Object.entries<any>(comp.requestBodies ?? {})) if (!b.$ref) content(b.content, ['components', 'requestBodies', n, 'content']);
  for (const [n, item] of Object.entries<any>(comp.pathItems ?? {})) pathItem(item, ['components', 'pathItems', n]);

  // JSON Schema `examples` arrays (and the OAS `example` keyword) inside every schema.
  for (const root of [...schemaRoots]) {
    const node = resolvePointer(doc, root);
    const segs = root.slice(2).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    walkSchema(node, segs, (s, at) => {
      if (Array.isArray(s.examples)) s.examples.forEach((v: unknown, i: number) => examples.push({ examplePointer: pointerOf([...at, 'examples', i]), schemaPointer: pointerOf(at), value: v }));
      if (s.example !== undefined) examples.push({ examplePointer: pointerOf([...at, 'example']), schemaPointer: pointerOf(at), value: s.example });
    });
  }
  return { schemaRoots: [...new Set(schemaRoots)], examples };
}
