/**
 * JSON Schema → fast-check: an arbitrary of the values a schema accepts, for the keywords the four
 * specs use — type, enum, const, minimum/maximum (exclusive too), multipleOf, minLength/maxLength,
 * pattern (fast-check's stringMatching), format (date, date-time, uri, email, uuid, …), arrays
 * (items, min/maxItems, uniqueItems), objects (properties, required, additionalProperties,
 * propertyNames, min/maxProperties), `$ref` into the document, and oneOf / anyOf / allOf.
 * Shrinking comes from fast-check: optional properties drop, strings and arrays shorten, numbers
 * move towards their lower bound.
 */
import fc from 'fast-check';
import { alternatives, codePoints, EXAMPLES, FORBIDDEN, PATTERNS, stableJson, typesOf, UnsupportedSchemaError, type JsonType, type Schema } from './schema.ts';

export { UnsupportedSchemaError } from './schema.ts';

export interface ArbitraryOptions {
  /** The document `$ref`s resolve against (an OpenAPI document); default: the schema itself. */
  root?: unknown;
  /** Extra length a string without maxLength may take beyond its minLength. Default 24. */
  maxStringLength?: number;
  /** Extra items an array without maxItems may take beyond its minItems. Default 4. */
  maxArrayItems?: number;
  /** Extra keys a free-form object (additionalProperties) may take. Default 4. */
  maxExtraKeys?: number;
  /** Below this depth, objects keep only their required properties and arrays their minimum. Default 6. */
  maxDepth?: number;
  /**
   * Also draw the spec's own examples of scalar schemas (1 in 4; those that fit the schema): an
   * example product id or currency reaches the happy path a random one never does. Default true.
   */
  useExamples?: boolean;
}

interface Ctx {
  root: unknown;
  maxString: number;
  maxItems: number;
  maxKeys: number;
  maxDepth: number;
  useExamples: boolean;
}

const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };
const DATE_RANGE = { min: new Date('1970-01-01T00:00:00.000Z'), max: new Date('2099-12-31T23:59:59.999Z') };
const isoDate = fc.date({ ...DATE_RANGE, noInvalidDate: true });

/**
 * One code point of free text: mostly printable ASCII, some control characters, some of the rest
 * of the BMP and some astral ones (emoji) — what breaks escaping, encodings and length checks.
 * (fast-check's own `binary` unit costs seconds to build the first time.)
 */
const TEXT_UNIT = fc
  .oneof(
    { arbitrary: fc.integer({ min: 0x20, max: 0x7e }), weight: 12 },
    { arbitrary: fc.integer({ min: 0x00, max: 0x1f }), weight: 1 },
    { arbitrary: fc.integer({ min: 0xa0, max: 0xd7ff }), weight: 2 },
    { arbitrary: fc.integer({ min: 0x1f300, max: 0x1faff }), weight: 1 },
  )
  .map((cp) => String.fromCodePoint(cp));

/**
 * Hosts under top-level names reserved for tests and documentation that never resolve
 * (RFC 2606, RFC 6761): a generated e-mail address reaches nobody's inbox.
 */
const RESERVED_DOMAINS = ['accord.test', 'hooks.accord.test', 'accord.example', 'accord.invalid'];
const hostArb = () =>
  fc.tuple(fc.array(fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?$/), { maxLength: 2 }), fc.constantFrom(...RESERVED_DOMAINS)).map(([labels, domain]) => [...labels, domain].join('.'));
// RFC 3986 pchar / query characters, percent-encodings included (fast-check's webPath costs seconds to build).
const URI_SEGMENT = fc.stringMatching(/^(?:[A-Za-z0-9._~!$&'()*+,;=:@-]|%[0-9A-F]{2}){1,12}$/);
const URI_QUERY = fc.stringMatching(/^(?:[A-Za-z0-9._~!$&'()*+,;=:@/?-]|%[0-9A-F]{2}){0,24}$/);
/**
 * URLs point at the caller's own loopback on the discard port (9), where nothing listens: a
 * webhook or callback URL the fuzzer registers reaches nobody and fails at once (no DNS lookup,
 * no connection timeout to slow the implementation's delivery retries).
 */
const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]'];
const urlArb = (schemes: string[]) =>
  fc
    .record({
      scheme: fc.constantFrom(...schemes),
      host: fc.constantFrom(...LOOPBACK_HOSTS),
      path: fc.array(URI_SEGMENT, { maxLength: 3 }).map((segments) => segments.map((x) => `/${x}`).join('')),
      query: fc.option(URI_QUERY, { nil: undefined }),
      fragment: fc.option(URI_QUERY, { nil: undefined, freq: 4 }),
    })
    .map(({ scheme, host, path, query, fragment }) => `${scheme}://${host}:9${path}${query !== undefined ? `?${query}` : ''}${fragment !== undefined ? `#${fragment}` : ''}`);
const emailArb = () =>
  fc.tuple(fc.stringMatching(/^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]{1,16}(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]{1,8}){0,2}$/), hostArb()).map(([local, host]) => `${local}@${host}`);

/** Arbitraries for string formats; each value is checked against the schema's pattern and lengths afterwards. */
const FORMATS: Record<string, () => fc.Arbitrary<string>> = {
  date: () => isoDate.map((d) => d.toISOString().slice(0, 10)),
  'date-time': () =>
    fc.oneof(
      isoDate.map((d) => d.toISOString()),
      isoDate.map((d) => d.toISOString().replace(/\.\d{3}Z$/, 'Z')),
      fc.tuple(isoDate, fc.integer({ min: -12, max: 14 })).map(([d, h]) => {
        const local = new Date(d.getTime() + h * 3600_000).toISOString().slice(0, 19);
        return `${local}${h < 0 ? '-' : '+'}${String(Math.abs(h)).padStart(2, '0')}:00`;
      }),
    ),
  time: () => isoDate.map((d) => d.toISOString().slice(11, 19) + 'Z'),
  uri: () => urlArb(['https', 'http']),
  url: () => urlArb(['https', 'http']),
  'uri-reference': () => urlArb(['https']),
  email: emailArb,
  uuid: () => fc.uuid(),
  ipv4: () => fc.ipV4(),
  ipv6: () => fc.ipV6(),
  hostname: hostArb,
  byte: () => fc.base64String(),
};
/** Formats that only annotate (any string, or a number format handled by the bounds). */
const ANNOTATION_FORMATS = new Set(['password', 'binary', 'int32', 'int64', 'float', 'double']);

/** The arbitrary of every value `schema` accepts. Throws UnsupportedSchemaError for keywords it cannot honour. */
export function arbitraryFor(schema: unknown, options: ArbitraryOptions = {}): fc.Arbitrary<unknown> {
  const ctx: Ctx = {
    root: options.root ?? schema,
    maxString: options.maxStringLength ?? 24,
    maxItems: options.maxArrayItems ?? 4,
    maxKeys: options.maxExtraKeys ?? 4,
    maxDepth: options.maxDepth ?? 6,
    useExamples: options.useExamples ?? true,
  };
  return build(schema, ctx, 0);
}

function build(schema: unknown, ctx: Ctx, depth: number): fc.Arbitrary<unknown> {
  const alts = alternatives(schema, ctx.root);
  const arbs = alts.map((s) => single(s, ctx, depth));
  return arbs.length === 1 ? arbs[0]! : fc.oneof(...arbs);
}

function single(s: Schema, ctx: Ctx, depth: number): fc.Arbitrary<unknown> {
  const generated = generate(s, ctx, depth);
  const examples = ctx.useExamples ? ((s[EXAMPLES] ?? []) as unknown[]).filter((v) => fitsScalar(s, v)) : [];
  return examples.length ? fc.oneof({ arbitrary: generated, weight: 3 }, { arbitrary: fc.constantFrom(...examples), weight: 1 }) : generated;
}

/** Whether a scalar example satisfies the flat schema (objects and arrays are never taken from examples). */
function fitsScalar(s: Schema, v: unknown): boolean {
  if (v !== null && typeof v === 'object') return false;
  if (!typeAllows(typesOf(s), v)) return false;
  if ('const' in s && s.const !== v) return false;
  if (Array.isArray(s.enum) && !s.enum.includes(v)) return false;
  if (typeof v === 'number' && !inRange(s, v)) return false;
  if (typeof v === 'number' && typeof s.multipleOf === 'number' && !Number.isInteger(v / s.multipleOf)) return false;
  if (typeof v === 'string') {
    const n = codePoints(v);
    if (n < (s.minLength ?? 0) || n > (s.maxLength ?? Number.POSITIVE_INFINITY)) return false;
    if (![s.pattern, ...(s[PATTERNS] ?? [])].every((p) => typeof p !== 'string' || new RegExp(p, 'u').test(v))) return false;
  }
  return true;
}

function generate(s: Schema, ctx: Ctx, depth: number): fc.Arbitrary<unknown> {
  if ('const' in s) return fc.constant(s.const);
  if (Array.isArray(s.enum)) {
    const declared = s.type === undefined ? undefined : typesOf({ type: s.type });
    const values = s.enum.filter((v: unknown) => !declared || typeAllows(declared, v));
    if (!values.length) throw new UnsupportedSchemaError('enum: no value of the declared type');
    return fc.constantFrom(...values);
  }
  let types = typesOf(s);
  if (types.includes('integer') && types.includes('number')) types = types.filter((t) => t !== 'integer');
  const arbs = types.map((t) => byType(t, s, ctx, depth));
  return arbs.length === 1 ? arbs[0]! : fc.oneof(...arbs);
}

function typeAllows(types: JsonType[], v: unknown): boolean {
  if (v === null) return types.includes('null');
  if (Array.isArray(v)) return types.includes('array');
  if (typeof v === 'number') return types.includes('number') || (types.includes('integer') && Number.isInteger(v));
  return types.includes(typeof v as JsonType);
}

function byType(t: JsonType, s: Schema, ctx: Ctx, depth: number): fc.Arbitrary<unknown> {
  switch (t) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return integerArb(s);
    case 'number':
      return numberArb(s);
    case 'string':
      return stringArb(s, ctx);
    case 'array':
      return arrayArb(s, ctx, depth);
    case 'object':
      return objectArb(s, ctx, depth);
  }
}

/** Inclusive integer bounds from minimum / exclusiveMinimum / maximum / exclusiveMaximum and the int32 format. */
function integerBounds(s: Schema): { min: number; max: number } {
  const fmt = s.format === 'int32' ? INT32 : { min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER };
  let min = fmt.min;
  let max = fmt.max;
  const defaulted = s.minimum === undefined && s.exclusiveMinimum === undefined && s.maximum === undefined && s.exclusiveMaximum === undefined;
  if (defaulted && s.format !== 'int64') ({ min, max } = INT32);
  if (typeof s.minimum === 'number') min = Math.max(min, Math.ceil(s.minimum));
  if (typeof s.exclusiveMinimum === 'number') min = Math.max(min, Math.floor(s.exclusiveMinimum) + 1);
  if (typeof s.maximum === 'number') max = Math.min(max, Math.floor(s.maximum));
  if (typeof s.exclusiveMaximum === 'number') max = Math.min(max, Math.ceil(s.exclusiveMaximum) - 1);
  // One bound only: keep the range within int32 of it (fast-check shrinks towards the bound).
  if (s.maximum === undefined && s.exclusiveMaximum === undefined && !defaulted) max = Math.min(max, Math.max(min, 0) + INT32.max);
  if (s.minimum === undefined && s.exclusiveMinimum === undefined && !defaulted) min = Math.max(min, Math.min(max, 0) + INT32.min);
  if (min > max) throw new UnsupportedSchemaError(`no integer between ${min} and ${max}`);
  return { min, max };
}

function integerArb(s: Schema): fc.Arbitrary<number> {
  const { min, max } = integerBounds(s);
  if (typeof s.multipleOf === 'number') {
    const m = s.multipleOf;
    const lo = Math.ceil(min / m);
    const hi = Math.floor(max / m);
    if (lo > hi) throw new UnsupportedSchemaError(`no multiple of ${m} between ${min} and ${max}`);
    return fc.integer({ min: lo, max: hi }).map((k) => k * m);
  }
  return fc.integer({ min, max });
}

function numberArb(s: Schema): fc.Arbitrary<number> {
  if (typeof s.multipleOf === 'number') return integerArb(s);
  const min = typeof s.exclusiveMinimum === 'number' ? s.exclusiveMinimum : s.minimum;
  const max = typeof s.exclusiveMaximum === 'number' ? s.exclusiveMaximum : s.maximum;
  const double = fc.double({
    noNaN: true,
    noDefaultInfinity: true,
    ...(typeof min === 'number' ? { min, minExcluded: typeof s.exclusiveMinimum === 'number' } : { min: -Number.MAX_VALUE }),
    ...(typeof max === 'number' ? { max, maxExcluded: typeof s.exclusiveMaximum === 'number' } : { max: Number.MAX_VALUE }),
  });
  // Whole and two-decimal numbers are what APIs mostly see; doubles find the edges.
  let whole: fc.Arbitrary<number> | undefined;
  try {
    whole = integerArb({ ...s, type: 'integer' });
  } catch {
    whole = undefined;
  }
  const cents = whole?.map((n) => Number((n / 100).toFixed(2))).filter((n) => inRange(s, n));
  return whole && cents ? fc.oneof({ arbitrary: whole, weight: 2 }, { arbitrary: cents, weight: 2 }, { arbitrary: double, weight: 1 }) : double;
}

function inRange(s: Schema, n: number): boolean {
  if (typeof s.minimum === 'number' && n < s.minimum) return false;
  if (typeof s.exclusiveMinimum === 'number' && n <= s.exclusiveMinimum) return false;
  if (typeof s.maximum === 'number' && n > s.maximum) return false;
  if (typeof s.exclusiveMaximum === 'number' && n >= s.exclusiveMaximum) return false;
  return true;
}

/** Strings: a format's generator, else the pattern's, else free text; then every other constraint as a filter. */
function stringArb(s: Schema, ctx: Ctx): fc.Arbitrary<string> {
  const min: number = s.minLength ?? 0;
  const max: number = s.maxLength ?? Number.POSITIVE_INFINITY;
  if (min > max) throw new UnsupportedSchemaError(`minLength ${min} > maxLength ${max}`);
  const patterns: RegExp[] = [s.pattern, ...(s[PATTERNS] ?? [])].filter((p) => typeof p === 'string').map((p) => new RegExp(p, 'u'));
  const format = typeof s.format === 'string' && !ANNOTATION_FORMATS.has(s.format) ? s.format : undefined;
  if (format && !FORMATS[format]) throw new UnsupportedSchemaError(`string format "${format}" is not supported`);
  let base: fc.Arbitrary<string>;
  let checks = patterns;
  if (format) base = FORMATS[format]!();
  else if (patterns.length) {
    base = fc.stringMatching(patterns[0]!);
    checks = patterns.slice(1);
  } else {
    const upper = Math.min(max, min + ctx.maxString);
    return fc.string({ minLength: min, maxLength: upper, unit: TEXT_UNIT });
  }
  return base.filter((v) => {
    const n = codePoints(v);
    return n >= min && n <= max && checks.every((re) => re.test(v));
  });
}

function arrayArb(s: Schema, ctx: Ctx, depth: number): fc.Arbitrary<unknown[]> {
  const minLength: number = s.minItems ?? 0;
  const cap = depth >= ctx.maxDepth ? minLength : minLength + ctx.maxItems;
  const maxLength = Math.min(s.maxItems ?? Number.POSITIVE_INFINITY, cap);
  if (minLength > maxLength) throw new UnsupportedSchemaError(`minItems ${minLength} > maxItems ${s.maxItems}`);
  const item = s.items === undefined || s.items === true ? fc.jsonValue({ maxDepth: 1 }) : build(s.items, ctx, depth + 1);
  if (s.uniqueItems) return fc.uniqueArray(item, { minLength, maxLength, selector: stableJson });
  return fc.array(item, { minLength, maxLength });
}

const SAFE_KEY = (k: string) => k !== '__proto__' && k !== 'constructor' && k !== 'prototype';

function objectArb(s: Schema, ctx: Ctx, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const forbidden = new Set<string>(s[FORBIDDEN] ?? []);
  const required = new Set<string>((s.required ?? []).filter((k: string) => !forbidden.has(k)));
  const declared = Object.entries<unknown>(s.properties ?? {}).filter(([k]) => !forbidden.has(k) && (depth < ctx.maxDepth || required.has(k)));
  for (const k of required) {
    if (!declared.some(([name]) => name === k)) {
      if (s.additionalProperties === false) throw new UnsupportedSchemaError(`required property "${k}" is not declared and additionalProperties is false`);
      declared.push([k, typeof s.additionalProperties === 'object' ? s.additionalProperties : {}]);
    }
  }
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, sub] of declared) model[name] = build(sub, ctx, depth + 1);
  const record = fc.record(model, { requiredKeys: [...required].filter((k) => k in model) });
  const minProps: number = s.minProperties ?? 0;
  const maxProps: number = s.maxProperties ?? Number.POSITIVE_INFINITY;
  const names = new Set(Object.keys(s.properties ?? {}));
  const extra = s.additionalProperties;
  // Extra keys only where the schema describes them (a schema), or for a free-form object.
  const freeForm = extra === undefined && !s.properties;
  let arb: fc.Arbitrary<Record<string, unknown>> = record as fc.Arbitrary<Record<string, unknown>>;
  if ((extra && typeof extra === 'object') || freeForm) {
    const keySchema = s.propertyNames ? { type: 'string', ...s.propertyNames } : { type: 'string', minLength: 1, maxLength: 16 };
    const key = (build(keySchema, ctx, depth + 1) as fc.Arbitrary<string>).filter((k) => typeof k === 'string' && !names.has(k) && !forbidden.has(k) && SAFE_KEY(k));
    const value = freeForm ? fc.jsonValue({ maxDepth: 1 }) : build(extra, ctx, depth + 1);
    const maxKeys = Math.max(0, Math.min(ctx.maxKeys, maxProps - required.size));
    const dict = depth >= ctx.maxDepth ? fc.constant({}) : fc.dictionary(key, value, { maxKeys, noNullPrototype: true });
    arb = fc.tuple(record, dict).map(([r, d]) => ({ ...d, ...(r as Record<string, unknown>) }));
  }
  if (minProps > 0 || Number.isFinite(maxProps)) {
    arb = arb.filter((o) => Object.keys(o).length >= minProps && Object.keys(o).length <= maxProps);
  }
  return arb;
}
