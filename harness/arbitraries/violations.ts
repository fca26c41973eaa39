/**
 * Schema violations: from a schema and a valid value, the values that break exactly one of its
 * rules (as far as one change can) — a wrong type, a number past a bound, a string too short or
 * too long or off its pattern or format, a value outside the enum, a required property missing,
 * an unknown property in a closed object, two properties `oneOf` says exclude each other, an
 * array with too few, too many or repeated items — at the top and in every nested property.
 * Properties the valid value lacks get a valid value sampled from the schema first, so optional
 * fields are covered too. Callers confirm each candidate is invalid (ajv) before sending it.
 */
import fc from 'fast-check';
import { arbitraryFor } from './arbitrary.ts';
import { alternatives, codePoints, flatten, FORBIDDEN, jsonTypeOf, typeAdmits, typesOf, UnsupportedSchemaError, type JsonType, type Schema } from './schema.ts';

export type ViolationKind = 'type' | 'enum' | 'range' | 'length' | 'pattern' | 'format' | 'required' | 'unknown-field' | 'combination' | 'items';

export interface Violation {
  /** Where the change is applied (the nearest ancestor the valid value has). */
  at: Array<string | number>;
  /** The new value there; ABSENT deletes the property. */
  value: unknown;
  /** Where the broken rule lives, for the report (`owner.phone`). */
  path: Array<string | number>;
  /** The rule broken, e.g. `maxLength 64`, `required`, `type integer`. */
  rule: string;
  kind: ViolationKind;
}

export const ABSENT: unique symbol = Symbol('absent');

export interface ViolationOptions {
  /** The document `$ref`s resolve against. */
  root: unknown;
  /** Seeded random numbers in [0, 1) (sampled values, which wrong type to send). */
  random: () => number;
  /** How deep into nested objects and arrays to go. Default 4. */
  maxDepth?: number;
  /** Longest string sent to break a maxLength. Default 65536. */
  maxLength?: number;
}

/** Every violation of `schema` reachable from the valid `value` (undefined: sampled from the schema). */
export function violationsOf(schema: unknown, value: unknown, options: ViolationOptions): Violation[] {
  return collect(schema, value, options, 0);
}

/** `base` with one violation applied (a deep copy; `base` is not changed). */
export function applyViolation(base: unknown, v: Pick<Violation, 'at' | 'value'>): unknown {
  return setAt(base, v.at, v.value);
}

/** `body.owner.phone`, `body.items[0].quantity`. */
export function describePath(prefix: string, path: ReadonlyArray<string | number>): string {
  return path.reduce<string>((acc, seg) => (typeof seg === 'number' ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg), prefix);
}

function setAt(base: unknown, at: ReadonlyArray<string | number>, value: unknown): unknown {
  if (!at.length) return value;
  const copy: any = base === undefined ? (typeof at[0] === 'number' ? [] : {}) : structuredClone(base);
  let node = copy;
  for (const seg of at.slice(0, -1)) node = node[seg];
  const last = at[at.length - 1]!;
  if (value === ABSENT) {
    if (Array.isArray(node) && typeof last === 'number') node.splice(last, 1);
    else delete node[last];
  } else node[last] = value;
  return copy;
}

/** A valid value of a schema, sampled reproducibly; undefined when the schema cannot be sampled. */
export function sampleValid(schema: unknown, options: Pick<ViolationOptions, 'root' | 'random'>): unknown {
  try {
    const seed = Math.floor(options.random() * 0x7fffffff);
    return fc.sample(arbitraryFor(schema, { root: options.root, maxStringLength: 12, maxArrayItems: 2, maxExtraKeys: 2 }), { seed, numRuns: 1 })[0];
  } catch (err) {
    if (err instanceof UnsupportedSchemaError) return undefined;
    throw err;
  }
}

/** Values of other JSON types than the schema admits; the first is the likeliest mistake (a number as a string and back). */
function wrongTypes(types: readonly JsonType[], value: unknown): Array<{ value: unknown; type: string }> {
  const out: Array<{ value: unknown; type: string }> = [];
  const add = (v: unknown, type: string) => !typeAdmits(types, v) && !out.some((o) => o.type === type) && out.push({ value: v, type });
  if (typeof value === 'number') add(String(value), 'number as string');
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) add(Number(value), 'number');
  if (typeof value === 'boolean') add(String(value), 'boolean as string');
  if (types.includes('integer') && !types.includes('number')) add(typeof value === 'number' ? value + 0.5 : 1.5, 'non-integer number');
  add('accord', 'string');
  add(12345, 'number');
  add(true, 'boolean');
  add(null, 'null');
  add({}, 'object');
  add([], 'array');
  return out;
}

function pickAlternative(alts: Schema[], value: unknown): Schema {
  const fits = (s: Schema) =>
    typeAdmits(typesOf(s), value) &&
    (jsonTypeOf(value) !== 'object' || (((s.required ?? []) as string[]).every((k) => k in (value as object)) && ((s[FORBIDDEN] ?? []) as string[]).every((k) => !(k in (value as object)))));
  return alts.find(fits) ?? alts[0]!;
}

function collect(schema: unknown, given: unknown, o: ViolationOptions, depth: number): Violation[] {
  let alts: Schema[];
  let base: Schema;
  try {
    alts = alternatives(schema, o.root);
    base = flatten(schema, o.root).schema;
  } catch (err) {
    if (err instanceof UnsupportedSchemaError) return [];
    throw err;
  }
  const value = given === undefined ? sampleValid(schema, o) : given;
  if (value === undefined) return [];
  const s = pickAlternative(alts, value);
  const types = [...new Set(alts.flatMap(typesOf))];
  const out: Violation[] = [];
  const here = (v: unknown, rule: string, kind: ViolationKind) => out.push({ at: [], path: [], value: v, rule, kind });

  // Type: a value of every other JSON type (the likeliest confusion first).
  const typeRule = `type ${types.includes('integer') && types.includes('number') ? types.filter((t) => t !== 'integer').join('|') : types.join('|')}`;
  if (types.length < 7) for (const w of wrongTypes(types, value)) here(w.value, `${typeRule} (sent ${w.type})`, 'type');

  if ('const' in s) here(typeof s.const === 'string' ? `${s.const}-other` : typeof s.const === 'number' ? s.const + 1 : null, 'const', 'enum');
  if (Array.isArray(s.enum)) {
    const outside = outsideEnum(s.enum, value);
    if (outside !== undefined) here(outside, `enum ${JSON.stringify(s.enum).slice(0, 80)}`, 'enum');
  }

  if (typeof value === 'number') {
    const step = types.includes('number') ? 0.01 : 1;
    if (typeof s.minimum === 'number') here(s.minimum - step, `minimum ${s.minimum}`, 'range');
    if (typeof s.exclusiveMinimum === 'number') here(s.exclusiveMinimum, `exclusiveMinimum ${s.exclusiveMinimum}`, 'range');
    if (typeof s.maximum === 'number') here(s.maximum + step, `maximum ${s.maximum}`, 'range');
    if (typeof s.exclusiveMaximum === 'number') here(s.exclusiveMaximum, `exclusiveMaximum ${s.exclusiveMaximum}`, 'range');
  }

  if (typeof value === 'string') stringViolations(s, value, o, here);

  if (Array.isArray(value)) {
    if (typeof s.minItems === 'number' && s.minItems > 0) here(value.slice(0, s.minItems - 1), `minItems ${s.minItems}`, 'items');
    const filler = value.length ? value : [sampleValid(s.items ?? {}, o)];
    if (typeof s.maxItems === 'number' && s.maxItems < 10_000) here(Array.from({ length: s.maxItems + 1 }, (_, i) => filler[i % filler.length]), `maxItems ${s.maxItems}`, 'items');
    if (s.uniqueItems && value.length) here(value.length >= 2 ? [...value.slice(0, -1), value[0]] : [value[0], value[0]], 'uniqueItems', 'items');
    if (s.items !== undefined && s.items !== true && depth < (o.maxDepth ?? 4)) {
      const first = value.length ? value[0] : sampleValid(s.items, o);
      for (const child of first === undefined ? [] : collect(s.items, first, o, depth + 1)) {
        if (!value.length) out.push({ ...child, at: [], path: [0, ...child.path], value: [setAt(first, child.at, child.value)] });
        else out.push({ ...child, at: [0, ...child.at], path: [0, ...child.path] });
      }
    }
  }

  if (value && typeof value === 'object' && !Array.isArray(value)) objectViolations(s, base, alts.length > 1, value as Record<string, unknown>, o, depth, out);
  return out;
}

function outsideEnum(values: unknown[], current: unknown): unknown {
  const has = (v: unknown) => values.some((x) => JSON.stringify(x) === JSON.stringify(v));
  const seed = typeof current === typeof values[0] ? current : values[0];
  if (typeof seed === 'string') {
    const flipped = seed === seed.toUpperCase() ? seed.toLowerCase() : seed.toUpperCase();
    if (flipped !== seed && !has(flipped)) return flipped;
    for (let i = 1; ; i++) if (!has(`${seed}_${i}`)) return `${seed}_${i}`;
  }
  const nums = values.filter((v): v is number => typeof v === 'number');
  if (nums.length) {
    for (let n = Math.min(...nums) + 1; n < Math.max(...nums); n++) if (!has(n)) return n;
    return Math.max(...nums) + 1;
  }
  return undefined;
}

function stringViolations(s: Schema, value: string, o: ViolationOptions, here: (v: unknown, rule: string, kind: ViolationKind) => void): void {
  const min: number = s.minLength ?? 0;
  const max: number = s.maxLength ?? Number.POSITIVE_INFINITY;
  const chars = [...value];
  if (min > 0) here(chars.slice(0, min - 1).join(''), `minLength ${min}`, 'length');
  if (Number.isFinite(max) && max < (o.maxLength ?? 65536)) {
    const unit = chars.length ? chars : ['a'];
    here(Array.from({ length: max + 1 }, (_, i) => unit[i % unit.length]).join(''), `maxLength ${max}`, 'length');
  }
  const lengthOk = (c: string) => codePoints(c) >= min && codePoints(c) <= max;
  if (typeof s.pattern === 'string') {
    const re = new RegExp(s.pattern, 'u');
    const candidates = [
      `${value}!`,
      `!${chars.slice(1).join('')}`,
      value.toUpperCase(),
      value.toLowerCase(),
      ` ${chars.slice(1).join('')}`,
      `${chars.slice(0, -1).join('')}~`,
      value.replace(/[0-9]/g, 'x'),
      value.replace(/[A-Za-z]/g, '0'),
      `${value} `,
      'x'.repeat(Math.max(1, chars.length)),
    ].filter((c) => c !== value && !re.test(c));
    const best = candidates.find(lengthOk) ?? candidates[0];
    if (best !== undefined) here(best, `pattern ${s.pattern}`, 'pattern');
  }
  if (typeof s.format === 'string') {
    const patternOk = (c: string) => typeof s.pattern !== 'string' || new RegExp(s.pattern, 'u').test(c);
    const candidates = (FORMAT_BREAKERS[s.format] ?? []).filter((c) => c !== value);
    const best = candidates.find((c) => lengthOk(c) && patternOk(c)) ?? candidates[0];
    if (best !== undefined) here(best, `format ${s.format}`, 'format');
  }
}

/** Strings that break a format; the first that still fits the schema's pattern and lengths is sent. */
const FORMAT_BREAKERS: Record<string, string[]> = {
  date: ['2026-02-30', '2026-13-01', '26-01-01', 'not-a-date'],
  'date-time': ['2026-02-30T10:00:00Z', '2026-01-01T25:00:00Z', '2026-01-01 10:00:00', 'not-a-date-time'],
  time: ['25:00:00Z', 'noon'],
  uri: ['https://exa mple.com/', 'https://[not-a-host/', 'not a uri'],
  url: ['https://exa mple.com/', 'not a url'],
  email: ['not-an-email', 'a@', '@example.com'],
  uuid: ['not-a-uuid', '123e4567-e89b-12d3-a456-42661417400z'],
  ipv4: ['256.1.1.1', 'not-an-ip'],
  ipv6: ['::g', 'not-an-ip'],
  hostname: ['-bad-.example', 'exa mple.com'],
  byte: ['not base64!'],
};

function objectViolations(s: Schema, base: Schema, hasChoices: boolean, value: Record<string, unknown>, o: ViolationOptions, depth: number, out: Violation[]): void {
  const required = new Set<string>(s.required ?? []);
  const present = Object.keys(value);
  for (const k of present) {
    if (required.has(k)) out.push({ at: [k], path: [k], value: ABSENT, rule: 'required', kind: 'required' });
    // Under oneOf/anyOf a property can be required by the alternative only: ajv decides.
    else if (hasChoices) out.push({ at: [k], path: [k], value: ABSENT, rule: 'required (oneOf/anyOf)', kind: 'required' });
  }
  if (s.additionalProperties === false) out.push({ at: ['accord_unknown_field'], path: ['accord_unknown_field'], value: 'accord', rule: 'additionalProperties false', kind: 'unknown-field' });
  for (const k of (s[FORBIDDEN] ?? []) as string[]) {
    const sub = base.properties?.[k];
    const v = sub === undefined ? 'accord' : sampleValid(sub, o);
    const chosen = ((s.required ?? []) as string[]).filter((r) => !(base.required ?? []).includes(r) && r in value);
    if (v !== undefined) out.push({ at: [k], path: [k], value: v, rule: `oneOf (sent "${k}" together with ${chosen.map((c) => `"${c}"`).join(', ') || 'another alternative'})`, kind: 'combination' });
  }
  if (typeof s.minProperties === 'number' && s.minProperties > 0) out.push({ at: [], path: [], value: {}, rule: `minProperties ${s.minProperties}`, kind: 'required' });
  const extra = s.additionalProperties;
  if (extra && typeof extra === 'object') {
    const wrong = wrongTypes(alternatives(extra, o.root).flatMap(typesOf), sampleValid(extra, o))[0];
    if (wrong) out.push({ at: ['accord_extra'], path: ['accord_extra'], value: wrong.value, rule: `additionalProperties (sent ${wrong.type})`, kind: 'type' });
    if (typeof s.maxProperties === 'number' && s.maxProperties < 1000) {
      const filled: Record<string, unknown> = { ...value };
      for (let i = 0; Object.keys(filled).length <= s.maxProperties; i++) filled[`accord_k${i}`] = sampleValid(extra, o) ?? 'x';
      out.push({ at: [], path: [], value: filled, rule: `maxProperties ${s.maxProperties}`, kind: 'range' });
    }
    const maxKey = s.propertyNames?.maxLength;
    if (typeof maxKey === 'number' && maxKey < 1000) out.push({ at: ['k'.repeat(maxKey + 1)], path: ['(property name)'], value: sampleValid(extra, o) ?? 'x', rule: `propertyNames maxLength ${maxKey}`, kind: 'length' });
  }
  if (depth >= (o.maxDepth ?? 4)) return;
  for (const [k, sub] of Object.entries<unknown>(s.properties ?? {})) {
    const absent = value[k] === undefined;
    const current = absent ? sampleValid(sub, o) : value[k];
    if (current === undefined) continue;
    for (const child of collect(sub, current, o, depth + 1)) {
      // A property the valid value lacks is added whole (sampled), with the violation inside it.
      if (absent) out.push({ ...child, at: [k], path: [k, ...child.path], value: setAt(current, child.at, child.value) });
      else out.push({ ...child, at: [k, ...child.at], path: [k, ...child.path] });
    }
  }
}
