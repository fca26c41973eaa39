/**
 * JSON Schema helpers shared by the arbitrary converter (valid values) and the violation
 * generator (invalid ones): `$ref` resolution, `allOf` merging, `oneOf` / `anyOf` expanded into
 * plain alternatives, and the JSON types a schema admits.
 */
import { resolvePointer } from '../../contracts/walk.ts';

export type Schema = Record<string, any>;
export type JsonType = 'null' | 'boolean' | 'integer' | 'number' | 'string' | 'array' | 'object';

export const JSON_TYPES: readonly JsonType[] = ['null', 'boolean', 'integer', 'number', 'string', 'array', 'object'];

/** A schema (or a combination of keywords) the converter cannot turn into values. */
export class UnsupportedSchemaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedSchemaError';
  }
}

/** Validation keywords neither the converter nor the violation generator understands. */
const UNSUPPORTED = ['not', 'if', 'then', 'else', 'contains', 'prefixItems', 'patternProperties', 'dependentRequired', 'dependentSchemas', 'unevaluatedProperties', 'unevaluatedItems', '$dynamicRef'];

/** Internal keywords of flat schemas: further patterns a string must match (allOf), properties an alternative must not have (oneOf). */
export const PATTERNS = '@patterns';
export const FORBIDDEN = '@forbidden';
/** The spec's own example values of a schema (`examples`, `example`, through `$ref`s). */
export const EXAMPLES = '@examples';

const MAX_REF_DEPTH = 32;
/** Upper bound on the alternatives a schema expands into (a product of several `oneOf`s). */
const MAX_ALTERNATIVES = 64;

/** Resolves a local `#/…` reference against the root document (or the schema itself). */
export function resolveRef(root: unknown, ref: string): Schema {
  if (!ref.startsWith('#')) throw new UnsupportedSchemaError(`only local $ref is supported, got "${ref}"`);
  const target = resolvePointer(root, ref);
  if (!target || typeof target !== 'object') throw new UnsupportedSchemaError(`$ref "${ref}" does not resolve`);
  return target as Schema;
}

/** Keeps a `true` schema as `{}`; a `false` schema has no values. */
function asSchema(s: unknown): Schema {
  if (s === true || s === undefined) return {};
  if (s === false) throw new UnsupportedSchemaError('the schema `false` admits no value');
  if (!s || typeof s !== 'object' || Array.isArray(s)) throw new UnsupportedSchemaError(`not a schema: ${JSON.stringify(s)}`);
  return s as Schema;
}

const NUMERIC_MAX = ['minimum', 'exclusiveMinimum', 'minLength', 'minItems', 'minProperties'] as const;
const NUMERIC_MIN = ['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems', 'maxProperties'] as const;
const ANNOTATIONS = new Set(['description', 'title', 'examples', 'example', 'default', 'deprecated', 'readOnly', 'writeOnly', '$comment', 'xml', 'externalDocs', 'discriminator', '$schema', '$id', '$anchor', 'contentMediaType', 'contentEncoding']);

export const isAnnotation = (key: string) => ANNOTATIONS.has(key) || key.startsWith('x-');

const typeList = (t: unknown): JsonType[] | undefined => (t === undefined ? undefined : ((Array.isArray(t) ? t : [t]) as JsonType[]));

function intersectTypes(a: JsonType[] | undefined, b: JsonType[] | undefined): JsonType[] | undefined {
  if (!a) return b;
  if (!b) return a;
  const out = new Set<JsonType>();
  for (const t of a) {
    if (b.includes(t)) out.add(t);
    else if (t === 'integer' && b.includes('number')) out.add('integer');
    else if (t === 'number' && b.includes('integer')) out.add('integer');
  }
  return [...out];
}

/**
 * Merges two schemas that must both hold (the `allOf` of a flat schema and one more): bounds
 * tighten, required and properties unite, types and enums intersect. Subschemas that both sides
 * constrain become an `allOf` of the two.
 */
export function mergeSchemas(a: Schema, b: Schema): Schema {
  const out: Schema = { ...a };
  for (const [k, v] of Object.entries(b)) {
    if (isAnnotation(k) || v === undefined) continue;
    if (!(k in out)) {
      out[k] = v;
      continue;
    }
    const cur = out[k];
    if ((NUMERIC_MAX as readonly string[]).includes(k)) out[k] = Math.max(cur, v);
    else if ((NUMERIC_MIN as readonly string[]).includes(k)) out[k] = Math.min(cur, v);
    else if (k === 'type') {
      const t = intersectTypes(typeList(cur), typeList(v))!;
      if (!t.length) throw new UnsupportedSchemaError(`allOf: no type satisfies both ${JSON.stringify(cur)} and ${JSON.stringify(v)}`);
      out.type = t.length === 1 ? t[0] : t;
    } else if (k === 'required') out.required = [...new Set([...cur, ...v])];
    else if (k === 'enum') {
      const keep = (cur as unknown[]).filter((x) => (v as unknown[]).some((y) => stableJson(x) === stableJson(y)));
      if (!keep.length) throw new UnsupportedSchemaError('allOf: the enums have no value in common');
      out.enum = keep;
    } else if (k === 'properties') {
      const props: Schema = { ...cur };
      for (const [name, s] of Object.entries<any>(v)) props[name] = name in props ? { allOf: [props[name], s] } : s;
      out.properties = props;
    } else if (k === 'additionalProperties' || k === 'items' || k === 'propertyNames') {
      out[k] = cur === false || v === false ? false : cur === true ? v : v === true ? cur : { allOf: [cur, v] };
    } else if (k === 'uniqueItems') out[k] = cur || v;
    else if (k === PATTERNS || k === FORBIDDEN || k === EXAMPLES) out[k] = [...new Set([...cur, ...v])];
    else if (stableJson(cur) !== stableJson(v)) {
      if (k === 'const') throw new UnsupportedSchemaError('allOf: two different const values');
      if (k === 'pattern') out[PATTERNS] = [...new Set([...(out[PATTERNS] ?? []), v])];
      else throw new UnsupportedSchemaError(`allOf: cannot merge two different "${k}" values`);
    }
  }
  return out;
}

/**
 * One level of a schema made flat: `$ref` followed (its siblings merged in), `allOf` merged,
 * `oneOf` / `anyOf` collected (not yet expanded) as choices. Subschemas are left as they are.
 */
export interface FlatSchema {
  schema: Schema;
  choices: Array<{ kind: 'oneOf' | 'anyOf'; branches: Schema[] }>;
}

export function flatten(input: unknown, root: unknown, depth = 0): FlatSchema {
  if (depth > MAX_REF_DEPTH) throw new UnsupportedSchemaError('schema nests $ref / allOf too deeply (recursive schema?)');
  const choices: FlatSchema['choices'] = [];
  let out: Schema = {};
  const take = (part: Schema) => {
    const { $ref, allOf, oneOf, anyOf, ...rest } = part;
    out = mergeSchemas(out, rest);
    const examples = [...(Array.isArray(part.examples) ? part.examples : []), ...('example' in part ? [part.example] : [])];
    if (examples.length) out = mergeSchemas(out, { [EXAMPLES]: examples });
    if (typeof $ref === 'string') {
      const inner = flatten(resolveRef(root, $ref), root, depth + 1);
      out = mergeSchemas(out, inner.schema);
      choices.push(...inner.choices);
    }
    for (const sub of allOf ?? []) {
      const inner = flatten(sub, root, depth + 1);
      out = mergeSchemas(out, inner.schema);
      choices.push(...inner.choices);
    }
    if (oneOf) choices.push({ kind: 'oneOf', branches: oneOf.map(asSchema) });
    if (anyOf) choices.push({ kind: 'anyOf', branches: anyOf.map(asSchema) });
  };
  take(asSchema(input));
  for (const k of UNSUPPORTED) if (k in out) throw new UnsupportedSchemaError(`keyword "${k}" is not supported`);
  return { schema: out, choices };
}

/** The keys a `oneOf` branch requires when it says nothing else (`{ required: [...] }`). */
function requiredOnly(branch: Schema, root: unknown): string[] | undefined {
  const flat = flatten(branch, root);
  if (flat.choices.length) return undefined;
  const keys = Object.keys(flat.schema).filter((k) => !isAnnotation(k));
  return keys.length === 1 && keys[0] === 'required' ? (flat.schema.required as string[]) : undefined;
}

/** The properties of a `oneOf` branch that is a complete, closed object (`additionalProperties: false`). */
function closedProperties(branch: Schema, root: unknown): string[] | undefined {
  const flat = flatten(branch, root);
  if (flat.choices.length || flat.schema.additionalProperties !== false) return undefined;
  return Object.keys(flat.schema.properties ?? {});
}

/** Removes properties an alternative must not have; undefined when it requires one of them. */
function forbid(schema: Schema, keys: string[]): Schema | undefined {
  if ((schema.required ?? []).some((k: string) => keys.includes(k))) return undefined;
  const props = { ...(schema.properties ?? {}) };
  for (const k of keys) delete props[k];
  return { ...schema, properties: props, [FORBIDDEN]: [...new Set([...(schema[FORBIDDEN] ?? []), ...keys])] };
}

/**
 * The plain alternatives a schema stands for: every combination of its `oneOf` / `anyOf`
 * branches merged into the rest. For `oneOf`, branches that only require keys exclude each
 * other: an alternative built on one branch drops the keys the other branches require (the
 * common "send exactly one of `a` or `b`" pattern). Each alternative is flat and choice-free.
 */
export function alternatives(input: unknown, root: unknown, depth = 0): Schema[] {
  const { schema, choices } = flatten(input, root, depth);
  let alts: Schema[] = [schema];
  for (const choice of choices) {
    const next: Schema[] = [];
    const reqs = choice.branches.map((b) => (choice.kind === 'oneOf' ? requiredOnly(b, root) : undefined));
    const closed = choice.branches.map((b) => (choice.kind === 'oneOf' ? closedProperties(b, root) : undefined));
    for (const alt of alts) {
      choice.branches.forEach((branch, i) => {
        for (const merged of alternatives(branch, root, depth + 1)) {
          let candidate: Schema | undefined = mergeSchemas(alt, merged);
          if (choice.kind === 'oneOf') {
            for (const [j, keys] of reqs.entries()) {
              if (j === i || !keys || !candidate) continue;
              const missing = keys.filter((k) => !(candidate!.required ?? []).includes(k));
              candidate = missing.length ? forbid(candidate, missing) : undefined;
            }
            // Complete closed branches exclude each other too: the other branches' own properties
            // are what "sent together" means for them (SIR Giving's SubmitActionRequest).
            const own = closed[i];
            if (own && candidate) {
              const others = closed.flatMap((keys, j) => (j === i || !keys ? [] : keys.filter((k) => !own.includes(k))));
              if (others.length) candidate = { ...candidate, [FORBIDDEN]: [...new Set([...(candidate[FORBIDDEN] ?? []), ...others])] };
            }
          }
          if (candidate) next.push(candidate);
        }
      });
    }
    alts = next;
    if (alts.length > MAX_ALTERNATIVES) throw new UnsupportedSchemaError(`oneOf/anyOf expand into more than ${MAX_ALTERNATIVES} alternatives`);
  }
  if (!alts.length) throw new UnsupportedSchemaError('no oneOf/anyOf alternative is satisfiable');
  return alts;
}

/** The JSON types a flat schema admits (from `type`, else inferred from its keywords). */
export function typesOf(s: Schema): JsonType[] {
  const declared = typeList(s.type);
  if (declared) return declared;
  if ('const' in s) return [jsonTypeOf(s.const)];
  if (Array.isArray(s.enum)) return [...new Set(s.enum.map(jsonTypeOf))];
  if (['properties', 'required', 'additionalProperties', 'minProperties', 'maxProperties', 'propertyNames'].some((k) => k in s)) return ['object'];
  if (['items', 'minItems', 'maxItems', 'uniqueItems'].some((k) => k in s)) return ['array'];
  if (['pattern', 'minLength', 'maxLength', 'format'].some((k) => k in s)) return ['string'];
  if (['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'].some((k) => k in s)) return ['number'];
  return [...JSON_TYPES];
}

export function jsonTypeOf(v: unknown): JsonType {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v as JsonType;
}

/** Whether a value's JSON type is one the list admits (`number` admits integers). */
export function typeAdmits(types: readonly JsonType[], v: unknown): boolean {
  const t = jsonTypeOf(v);
  return types.includes(t) || (t === 'integer' && types.includes('number'));
}

/** JSON with sorted keys: equality of JSON values (enum, uniqueItems) and stable dedup keys. */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${stableJson((v as any)[k])}`).join(',')}}`;
  return JSON.stringify(v) ?? 'undefined';
}

/** String length as JSON Schema counts it (code points). */
export const codePoints = (s: string) => [...s].length;
