/**
 * The independent check of a bundled spec: OpenAPI 3.1 structure by a second validator
 * (@seriousme/openapi-schema-validator, not Redocly), every schema compiled with ajv (2020-12),
 * every example validated against its schema.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import type { OpenApiDocument } from './document.ts';
import { createSchemaSet, formatAjvErrors } from './schemas.ts';
import { collectSchemasAndExamples } from './walk.ts';

export type ProblemKind = 'structure' | 'schema' | 'example';

export interface SpecProblem {
  kind: ProblemKind;
  /** JSON pointer of the offending node. */
  pointer: string;
  message: string;
}

export interface SpecReport {
  problems: SpecProblem[];
  schemasCompiled: number;
  examplesValidated: number;
}

export async function validateSpecDocument(doc: OpenApiDocument): Promise<SpecReport> {
  const problems: SpecProblem[] = [];

  if (doc.openapi !== '3.1.0' && !String(doc.openapi ?? '').startsWith('3.1.')) {
    problems.push({ kind: 'structure', pointer: '#/openapi', message: `expected OpenAPI 3.1.x, found ${JSON.stringify(doc.openapi)}` });
  }
  const structural = await new Validator().validate(structuredClone(doc));
  if (!structural.valid) {
    const errors = Array.isArray(structural.errors) ? structural.errors : [{ message: String(structural.errors) }];
    for (const e of errors as any[]) {
      problems.push({ kind: 'structure', pointer: '#' + (e.instancePath ?? ''), message: `${e.message ?? 'invalid'}${e.params ? ' ' + JSON.stringify(e.params) : ''}` });
    }
  }

  const { schemaRoots, examples } = collectSchemasAndExamples(doc);
  const schemas = createSchemaSet(doc);
  let schemasCompiled = 0;
  const broken = new Set<string>();
  for (const pointer of schemaRoots) {
    try {
      schemas.validatorAt(pointer);
      schemasCompiled++;
    } catch (err) {
      broken.add(pointer);
      problems.push({ kind: 'schema', pointer, message: (err as Error).message });
    }
  }
  let examplesValidated = 0;
  for (const ex of examples) {
    if ([...broken].some((b) => ex.schemaPointer.startsWith(b))) continue;
    let validate;
    try {
      validate = schemas.validatorAt(ex.schemaPointer);
    } catch (err) {
      problems.push({ kind: 'schema', pointer: ex.schemaPointer, message: (err as Error).message });
      continue;
    }
    examplesValidated++;
    if (!validate(ex.value)) {
      for (const line of formatAjvErrors(validate.errors)) {
        problems.push({ kind: 'example', pointer: ex.examplePointer, message: `does not match ${ex.schemaPointer}: ${line}` });
      }
    }
  }
  return { problems, schemasCompiled, examplesValidated };
}
