/**
 * Reads a bundled spec into what the rules compare: operations (path operations and webhooks)
 * with their merged parameters and effective security, and normalized schema nodes.
 */
import type { OpenApiDocument } from '../contracts/bundle.ts';
import { deref, pointerOf, resolvePointer } from '../contracts/walk.ts';
import type { Flow, NormalSchema, Operation, Parameter } from './types.ts';

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const COMPONENT_SCHEMA = '#/components/schemas/';

/** `ApiKey+Signature` for `{ApiKey: [], Signature: []}`; scopes in brackets; '' for `{}` (anonymous). */
export function requirementKey(req: Record<string, string[]>): string {
  return Object.entries(req ?? {})
    .map(([name, scopes]) => (Array.isArray(scopes) && scopes.length ? `${name}[${[...scopes].sort().join(',')}]` : name))
    .sort()
    .join('+');
}

export const requirementLabel = (key: string) => (key === '' ? 'no credentials' : key.split('+').join(' + '));

function parameterKey(p: Record<string, any>, pathTemplate: string): string {
  if (p.in === 'path') {
    const names = [...pathTemplate.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    const at = names.indexOf(p.name);
    return `path:${at >= 0 ? at : p.name}`;
  }
  if (p.in === 'header') return `header:${String(p.name).toLowerCase()}`;
  return `${p.in}:${p.name}`;
}

function collectParameters(doc: OpenApiDocument, lists: Array<{ list: unknown; at: Array<string | number> }>, pathTemplate: string): Map<string, Parameter> {
  const out = new Map<string, Parameter>();
  for (const { list, at } of lists) {
    if (!Array.isArray(list)) continue;
    list.forEach((raw, i) => {
      const node = deref<Record<string, any>>(doc, raw);
      if (!node || typeof node !== 'object' || typeof node.name !== 'string') return;
      const pointer = typeof raw?.$ref === 'string' ? raw.$ref : pointerOf([...at, i]);
      const key = parameterKey(node, pathTemplate);
      // operation-level parameters override path-level ones with the same name and location
      out.set(key, { key, name: node.name, in: node.in, required: node.in === 'path' || node.required === true, node, pointer });
    });
  }
  return out;
}

/** Every path operation and webhook of the document, keyed so a renamed path parameter still matches. */
export function collectOperations(doc: OpenApiDocument): Map<string, Operation> {
  const ops = new Map<string, Operation>();
  const rootSecurity = Array.isArray(doc.security) ? doc.security : undefined;
  const add = (kind: 'path' | 'webhook', name: string, rawItem: unknown, root: string) => {
    const item = deref<Record<string, any>>(doc, rawItem);
    if (!item || typeof item !== 'object') return;
    for (const method of HTTP_METHODS) {
      const node = item[method];
      if (!node || typeof node !== 'object') continue;
      const M = method.toUpperCase();
      const key = kind === 'path' ? `${M} ${name.replace(/\{[^}]+\}/g, '{}')}` : `webhook ${name} ${method}`;
      const label = kind === 'path' ? `${M} ${name}` : method === 'post' ? `webhook ${name}` : `webhook ${name} ${M}`;
      const security: Array<Record<string, string[]>> = Array.isArray(node.security) ? node.security : (rootSecurity ?? []);
      const keys = security.length ? [...new Set(security.map(requirementKey))].sort() : [''];
      ops.set(key, {
        key,
        label,
        kind,
        method,
        path: name,
        pointer: pointerOf([root, name, method]),
        node,
        parameters: collectParameters(
          doc,
          [
            { list: item.parameters, at: [root, name, 'parameters'] },
            { list: node.parameters, at: [root, name, method, 'parameters'] },
          ],
          kind === 'path' ? name : '',
        ),
        security: keys,
      });
    }
  };
  for (const [p, item] of Object.entries<unknown>(doc.paths ?? {})) add('path', p, item, 'paths');
  for (const [w, item] of Object.entries<unknown>(doc.webhooks ?? {})) add('webhook', w, item, 'webhooks');
  return ops;
}

/** The flow of an operation's request side (parameters, body) and of its responses. */
export const requestFlow = (op: Operation): Flow => (op.kind === 'path' ? 'sends' : 'receives');
export const responseFlow = (op: Operation): Flow => (op.kind === 'path' ? 'receives' : 'sends');

// ---------------------------------------------------------------------------------------------
// schemas

const isObject = (v: unknown): v is Record<string, any> => !!v && typeof v === 'object' && !Array.isArray(v);

/** JSON Schema type of a value (`integer` for whole numbers). */
export function typeOfValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** The types a schema node allows: from `type`, else from `const`/`enum`; undefined = any type. */
export function typeSet(node: Record<string, any>): Set<string> | undefined {
  if (typeof node.type === 'string') return new Set([node.type]);
  if (Array.isArray(node.type)) return new Set(node.type.map(String));
  if ('const' in node) return new Set([typeOfValue(node.const)]);
  if (Array.isArray(node.enum)) return new Set(node.enum.map(typeOfValue));
  return undefined;
}

/** Does a type set accept values of type t (integer ⊂ number; undefined accepts all)? */
export const acceptsType = (set: Set<string> | undefined, t: string) => !set || set.has(t) || (t === 'integer' && set.has('number'));

/** Stable JSON (sorted keys) for comparing values and schema fragments. */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (isObject(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${stableJson(v[k])}`).join(',')}}`;
  return JSON.stringify(v) ?? 'undefined';
}

const isNullSchema = (n: Record<string, any>) => n.type === 'null' || (Array.isArray(n.type) && n.type.length === 1 && n.type[0] === 'null') || ('const' in n && n.const === null);

/** The component name of a `#/components/schemas/<name>` reference. */
export const componentName = (ref: unknown) => (typeof ref === 'string' && ref.startsWith(COMPONENT_SCHEMA) && !ref.slice(COMPONENT_SCHEMA.length).includes('/') ? decodeURIComponent(ref.slice(COMPONENT_SCHEMA.length)).replace(/~1/g, '/').replace(/~0/g, '~') : undefined);

const pointerCache = new WeakMap<object, Map<string, unknown>>();
/** `resolvePointer`, cached per document (a diff resolves the same component refs many times). */
function resolveRef(doc: OpenApiDocument, ref: string): unknown {
  let cache = pointerCache.get(doc);
  if (!cache) pointerCache.set(doc, (cache = new Map()));
  if (!cache.has(ref)) cache.set(ref, resolvePointer(doc, ref));
  return cache.get(ref);
}

/**
 * Normalizes a schema for comparison: follows `$ref` (sibling keywords win over the target's),
 * merges `allOf` branches (properties, required; other keywords when absent), folds the nullable
 * idiom `oneOf/anyOf: [X, {type: null}]` into X with `null` added to its types, and reads OAS 3.0
 * `nullable: true` the same way.
 */
export function normalizeSchema(doc: OpenApiDocument, raw: unknown, depth = 0): NormalSchema {
  if (raw === true || raw === undefined) return { node: {} };
  if (raw === false) return { node: { not: {} } };
  if (!isObject(raw)) return { node: {} };
  let node: Record<string, any> = raw;
  let ref: string | undefined;
  const siblings: Array<Record<string, any>> = [];
  const seen = new Set<string>();
  while (isObject(node) && typeof node.$ref === 'string') {
    if (seen.has(node.$ref)) break;
    seen.add(node.$ref);
    const { $ref, ...rest } = node;
    ref ??= componentName($ref);
    if (Object.keys(rest).length) siblings.push(rest);
    const target = resolveRef(doc, $ref);
    node = isObject(target) ? target : {};
  }
  if (siblings.length || '$ref' in node) {
    const { $ref: _drop, ...target } = node;
    node = Object.assign({}, target, ...siblings.reverse());
  }
  if (depth > 16) return { node, ref };

  if (Array.isArray(node.allOf)) {
    const out: Record<string, any> = { ...node };
    delete out.allOf;
    const rest: unknown[] = [];
    for (const branchRaw of node.allOf) {
      const b = normalizeSchema(doc, branchRaw, depth + 1).node;
      if ((b.oneOf || b.anyOf) && !b.properties) {
        rest.push(branchRaw);
        continue;
      }
      if (b.properties) out.properties = { ...b.properties, ...(out.properties ?? {}) };
      if (Array.isArray(b.required)) out.required = [...new Set([...(out.required ?? []), ...b.required])];
      for (const [k, v] of Object.entries(b)) if (!(k in out)) out[k] = v;
    }
    if (rest.length) out.allOf = rest;
    node = out;
  }

  for (const k of ['oneOf', 'anyOf'] as const) {
    const list = node[k];
    if (!Array.isArray(list) || list.length !== 2) continue;
    const branches = list.map((b: unknown) => normalizeSchema(doc, b, depth + 1));
    const nullAt = branches.findIndex((b) => isNullSchema(b.node));
    if (nullAt < 0) continue;
    const other = branches[1 - nullAt]!.node;
    const types = typeSet(other);
    if (!types) continue;
    const { [k]: _drop, ...outer } = node;
    node = { ...other, ...outer, type: [...types, 'null'] };
    if ('const' in other && !('enum' in other)) {
      node.enum = [other.const];
      delete node.const;
    }
    ref = undefined; // nullability belongs to the place that uses the component, not to the component
    return { node, ref };
  }

  if (node.nullable === true) {
    const types = typeSet(node);
    if (types && !types.has('null')) node = { ...node, type: [...types, 'null'] };
  }
  return { node, ref };
}

/** Key of a oneOf/anyOf branch for matching base with head: component name, const, type, or its JSON. */
function variantKey(doc: OpenApiDocument, raw: unknown): { key: string; label: string } {
  const n = normalizeSchema(doc, raw);
  if (n.ref) return { key: `ref:${n.ref}`, label: n.ref };
  if ('const' in n.node) return { key: `const:${stableJson(n.node.const)}`, label: JSON.stringify(n.node.const) };
  const types = typeSet(n.node);
  const { description: _d, title: _t, examples: _e, example: _x, ...shape } = n.node;
  if (types && !n.node.properties && !n.node.required && !n.node.enum) return { key: `type:${[...types].sort().join('|')}`, label: [...types].join(' | ') };
  const json = stableJson(shape);
  return { key: `json:${json}`, label: json.length > 60 ? `${json.slice(0, 57)}…` : json };
}

export interface VariantMatch {
  keyword: 'oneOf' | 'anyOf';
  matched: Array<{ base: unknown; head: unknown; label: string }>;
  removed: Array<{ raw: unknown; label: string }>;
  added: Array<{ raw: unknown; label: string }>;
}

/** Pairs the oneOf/anyOf branches of base and head by component name, const, type or shape. */
export function matchVariants(base: { doc: OpenApiDocument; node: Record<string, any> }, head: { doc: OpenApiDocument; node: Record<string, any> }): VariantMatch[] {
  const out: VariantMatch[] = [];
  for (const keyword of ['oneOf', 'anyOf'] as const) {
    const b = base.node[keyword];
    const h = head.node[keyword];
    if (!Array.isArray(b) && !Array.isArray(h)) continue;
    const keyed = (doc: OpenApiDocument, list: unknown[]) => {
      const counts = new Map<string, number>();
      return list.map((raw) => {
        const k = variantKey(doc, raw);
        const n = counts.get(k.key) ?? 0;
        counts.set(k.key, n + 1);
        return { key: n ? `${k.key}#${n}` : k.key, label: k.label, raw };
      });
    };
    const bk = keyed(base.doc, Array.isArray(b) ? b : []);
    const hk = keyed(head.doc, Array.isArray(h) ? h : []);
    const hmap = new Map(hk.map((x) => [x.key, x]));
    const bset = new Set(bk.map((x) => x.key));
    out.push({
      keyword,
      matched: bk.filter((x) => hmap.has(x.key)).map((x) => ({ base: x.raw, head: hmap.get(x.key)!.raw, label: x.label })),
      removed: bk.filter((x) => !hmap.has(x.key)).map((x) => ({ raw: x.raw, label: x.label })),
      added: hk.filter((x) => !bset.has(x.key)).map((x) => ({ raw: x.raw, label: x.label })),
    });
  }
  return out;
}

/** A short rendering of a value for messages: `"pending"`, `5`, `null`. */
export const show = (v: unknown): string => (v === undefined ? '(none)' : typeof v === 'string' ? JSON.stringify(v) : stableJson(v));

/** Is a response status a success (2xx, 2XX, 3xx)? `default` is treated as an error response. */
export const isSuccessStatus = (status: string) => /^[23]/.test(status);
