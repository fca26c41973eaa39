/**
 * Both sides of a diff must be OpenAPI 3.1 before they are compared: a YAML slip (a comma inside a
 * flow mapping makes junk keys) bundles fine but is not a contract, and comparing it would report
 * changes that no client will see.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import type { OpenApiDocument } from '../contracts/bundle.ts';
import { DiffInputError } from './git.ts';

/** The first structural problem of a bundled document, or undefined when it is valid OpenAPI 3.1. */
export async function openApi31Problem(doc: OpenApiDocument): Promise<string | undefined> {
  if (!String(doc?.openapi ?? '').startsWith('3.1.')) return `openapi is ${JSON.stringify(doc?.openapi)}, expected 3.1.x`;
  const result = await new Validator().validate(structuredClone(doc));
  if (result.valid) return undefined;
  const errors = (Array.isArray(result.errors) ? result.errors : [{ message: String(result.errors) }]) as Array<{ instancePath?: string; message?: string; params?: Record<string, unknown> }>;
  // The most specific error: the deepest pointer (the schema's oneOf branches report shallower ones too).
  const e = [...errors].sort((a, b) => (b.instancePath ?? '').length - (a.instancePath ?? '').length)[0]!;
  const extra = e.params && 'unevaluatedProperty' in e.params ? ` "${String(e.params.unevaluatedProperty)}"` : e.params && 'additionalProperty' in e.params ? ` "${String(e.params.additionalProperty)}"` : '';
  return `${e.instancePath || '/'} ${e.message ?? 'is invalid'}${extra}`;
}

/** Throws a one-line DiffInputError naming the side, the spec and the first problem. */
export async function assertOpenApi31(doc: OpenApiDocument, specRel: string, side: string): Promise<void> {
  const problem = await openApi31Problem(doc);
  if (problem) throw new DiffInputError(`${specRel} at ${side} is not valid OpenAPI 3.1 (${problem}): fix it (accord validate) or compare another ref`);
}
