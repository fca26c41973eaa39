// The strict ruleset (redocly.yaml + specs/lint/) catches what the project promises it catches.
// Given one defect in an otherwise clean fixture, want exactly the rule named for it to report.
import { describe, expect, it } from 'vitest';
import { lintWithProjectRules, loadYamlFixture } from '../support/fixtures.ts';

const FIXTURE_RULES = {
  'accord/error-envelope': { severity: 'error', schema: 'FixtureError' },
  'accord/idempotency-key': { severity: 'error', operations: ['POST /widgets'] },
};

const post = (d: any) => d.paths['/widgets'].post;

const cases: Array<{ given: string; mutate: (doc: any) => void; rules?: Record<string, unknown>; want: string }> = [
  { given: 'an operation without operationId', mutate: (d) => delete post(d).operationId, want: 'operation-operationId' },
  { given: 'an operation without summary', mutate: (d) => delete post(d).summary, want: 'operation-summary' },
  { given: 'an operation without tags', mutate: (d) => delete post(d).tags, want: 'rule/operation-has-tags' },
  { given: 'an operation without security', mutate: (d) => delete post(d).security, want: 'rule/operation-has-security' },
  { given: 'an operation without description', mutate: (d) => delete post(d).description, want: 'rule/operation-has-description' },
  { given: 'a schema property without description', mutate: (d) => delete d.components.schemas.Widget.properties.size.description, want: 'rule/schema-property-described' },
  {
    given: 'a 4xx response without the error envelope',
    mutate: (d) => (post(d).responses['422'] = { description: 'Unprocessable.', content: { 'application/json': { schema: { type: 'object' } } } }),
    want: 'accord/error-envelope',
  },
  {
    given: 'a required idempotent write without Idempotency-Key',
    mutate: (d) => (post(d).parameters = []),
    want: 'accord/idempotency-key',
  },
  {
    given: 'a documented idempotent operation missing from the spec',
    mutate: () => {},
    rules: { 'accord/idempotency-key': { severity: 'error', operations: ['POST /widgets', 'POST /gadgets'] } },
    want: 'accord/idempotency-key',
  },
  {
    given: 'a media-type example that breaks its schema',
    mutate: (d) => (post(d).requestBody.content['application/json'].examples.basic.value.size = 99),
    want: 'no-invalid-media-type-examples',
  },
  {
    given: 'a media-type example with an undeclared field',
    mutate: (d) => (post(d).requestBody.content['application/json'].examples.basic.value.colour = 'red'),
    want: 'no-invalid-media-type-examples',
  },
];

describe('strict lint ruleset', () => {
  it('passes the clean fixture with zero errors and zero warnings', () => {
    expect(lintWithProjectRules(loadYamlFixture('specs/valid.yaml'), FIXTURE_RULES)).toEqual({ errors: 0, warnings: 0, rules: [] });
  });

  it.each(cases)('reports $want for $given', ({ mutate, rules, want }) => {
    const doc = loadYamlFixture('specs/valid.yaml');
    mutate(doc);
    const totals = lintWithProjectRules(doc, { ...FIXTURE_RULES, ...rules });
    expect(totals.rules).toContain(want);
    expect(totals.errors).toBeGreaterThan(0);
  });
});
