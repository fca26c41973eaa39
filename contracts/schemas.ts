/**
 * One ajv (JSON Schema 2020-12) instance per OpenAPI document: every schema in the document is
 * compiled by reference into the document, so `$ref: '#/components/schemas/X'` resolves as in
 * the spec. Used by the spec tests, and later by the stub router, the sandboxes and the harness.
 */
import { Ajv2020, type ValidateFunction, type ErrorObject } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { OpenApiDocument } from './document.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

/** OpenAPI's own schema keywords (annotations for validation purposes). */
const OAS_KEYWORDS = ['example', 'xml', 'externalDocs', 'discriminator'];
/**
 * The document root is registered as the schema every `$ref` resolves against, and ajv compiles
 * that root once: its top-level OpenAPI fields must therefore be known (as inert annotations).
 */
const OAS_ROOT_FIELDS = ['openapi', 'info', 'jsonSchemaDialect', 'servers', 'paths', 'webhooks', 'components', 'security', 'tags'];

/** Formats OpenAPI defines on top of JSON Schema's. */
const OAS_FORMATS: Record<string, RegExp | ((x: any) => boolean) | { type: 'number'; validate: (n: number) => boolean }> = {
  int32: { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n <= 2 ** 31 - 1 },
  int64: { type: 'number', validate: (n: number) => Number.isInteger(n) },
  float: { type: 'number', validate: () => true },
  double: { type: 'number', validate: () => true },
  password: () => true,
  byte: /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/,
  binary: () => true,
};

function extensionKeys(node: unknown, into: Set<string>): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => extensionKeys(n, into));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k.startsWith('x-')) into.add(k);
      extensionKeys(v, into);
    }
  }
  return into;
}

export interface SchemaSet {
  /** Validator for the schema at a `#/...` pointer of the document (compiled once, cached). */
  validatorAt(pointer: string): ValidateFunction;
  readonly ajv: Ajv2020;
}

export interface SchemaSetOptions {
  /** Coerce strings to the schema's types (for path, query and header parameters). */
  coerceTypes?: boolean | 'array';
}

export function createSchemaSet(doc: OpenApiDocument, id = 'accord:openapi', options: SchemaSetOptions = {}): SchemaSet {
  const ajv = new Ajv2020({
    strict: true,
    strictRequired: false,
    strictTypes: false,
    allErrors: true,
    validateSchema: false,
    allowUnionTypes: true,
    coerceTypes: options.coerceTypes ?? false,
  });
  addFormats(ajv);
  for (const [name, f] of Object.entries(OAS_FORMATS)) ajv.addFormat(name, f as any);
  for (const kw of [...OAS_KEYWORDS, ...OAS_ROOT_FIELDS]) ajv.addKeyword({ keyword: kw, schemaType: ['object', 'string', 'number', 'boolean', 'array', 'null'] });
  for (const kw of extensionKeys(doc, new Set())) if (!ajv.getKeyword(kw)) ajv.addKeyword(kw);
  const base = `${id}`;
  ajv.addSchema(doc as object, base);
  const cache = new Map<string, ValidateFunction>();
  return {
    ajv,
    validatorAt(pointer: string) {
      let fn = cache.get(pointer);
      if (!fn) {
        fn = ajv.compile({ $ref: `${base}${pointer}` });
        cache.set(pointer, fn);
      }
      return fn;
    },
  };
}

/** ajv errors as short readable lines: `/path/to/field must be ...`. */
export function formatAjvErrors(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => {
    const where = e.instancePath || '(root)';
    const extra = e.keyword === 'additionalProperties' ? ` "${(e.params as any).additionalProperty}"` : e.keyword === 'enum' ? `: ${JSON.stringify((e.params as any).allowedValues)}` : '';
    return `${where} ${e.message}${extra}`;
  });
}
