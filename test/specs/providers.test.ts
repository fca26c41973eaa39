// Each provider's spec: lint-clean under the strict ruleset, valid OpenAPI 3.1 to a second
// validator, every schema compiles with ajv 2020-12, every example validates.
import { describe, expect, it } from 'vitest';
import { bundleSpec } from '../../contracts/bundle.ts';
import { PROVIDERS } from '../../contracts/providers.ts';
import { runRedocly } from '../../contracts/redocly.ts';
import { validateSpecDocument } from '../../contracts/validate.ts';
import { parseLintJson } from '../support/fixtures.ts';

describe.each(PROVIDERS)('$id spec', (provider) => {
  it('lints with zero errors and zero warnings under the strict ruleset', () => {
    const run = runRedocly(['lint', provider.id, '--format', 'json']);
    const totals = parseLintJson(run.stdout);
    expect(totals, run.stdout.slice(0, 4000)).toEqual({ errors: 0, warnings: 0, rules: [] });
  });

  it('is valid OpenAPI 3.1 with every schema compiling and every example valid', async () => {
    const doc = await bundleSpec(provider.specPath);
    expect(doc.openapi).toBe('3.1.0');
    const report = await validateSpecDocument(doc);
    expect(report.problems).toEqual([]);
    expect(report.schemasCompiled).toBeGreaterThan(5);
    expect(report.examplesValidated).toBeGreaterThan(10);
  });
});
