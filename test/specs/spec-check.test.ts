// The independent spec check (contracts/validate.ts) catches each kind of defect, table-driven:
// given a mutation of a valid fixture, want a problem of that kind at that pointer.
import { describe, expect, it } from 'vitest';
import { validateSpecDocument } from '../../contracts/validate.ts';
import { loadYamlFixture } from '../support/fixtures.ts';

const valid = () => loadYamlFixture('specs/valid.yaml');

const cases: Array<{ given: string; mutate: (doc: any) => void; want: { kind: string; pointer: string; message: RegExp } }> = [
  {
    given: 'a request example with a wrong type',
    mutate: (d) => (d.paths['/widgets'].post.requestBody.content['application/json'].examples.basic.value.size = 'big'),
    want: { kind: 'example', pointer: '#/paths/~1widgets/post/requestBody/content/application~1json/examples/basic', message: /\/size must be integer/ },
  },
  {
    given: 'a response example with a field the closed schema does not allow',
    mutate: (d) => (d.paths['/widgets'].post.responses['201'].content['application/json'].examples.created.value.colour = 'red'),
    want: { kind: 'example', pointer: '#/paths/~1widgets/post/responses/201/content/application~1json/examples/created', message: /must NOT have additional properties "colour"/ },
  },
  {
    given: 'a schema-level example that breaks its pattern',
    mutate: (d) => (d.components.schemas.Widget.properties.id.examples = ['widget-1']),
    want: { kind: 'example', pointer: '#/components/schemas/Widget/properties/id/examples/0', message: /must match pattern/ },
  },
  {
    given: 'a parameter example shorter than its minLength',
    mutate: (d) => (d.components.parameters.IdempotencyKey.example = 'short'),
    want: { kind: 'example', pointer: '#/components/parameters/IdempotencyKey/example', message: /fewer than 8 characters/ },
  },
  {
    given: 'an error example missing a required envelope field',
    mutate: (d) => delete d.components.responses.BadRequest.content['application/json'].examples.invalid.value.error.message,
    want: { kind: 'example', pointer: '#/components/responses/BadRequest/content/application~1json/examples/invalid', message: /required property 'message'/ },
  },
  {
    given: 'a misspelt schema keyword',
    mutate: (d) => (d.components.schemas.WidgetInput.properties.name.minLenght = 1),
    want: { kind: 'schema', pointer: '#/components/schemas/WidgetInput', message: /unknown keyword: "minLenght"/ },
  },
  {
    given: 'an unknown format',
    mutate: (d) => (d.components.schemas.Widget.properties.name.format = 'colour'),
    want: { kind: 'schema', pointer: '#/components/schemas/Widget', message: /unknown format "colour"/ },
  },
  {
    given: 'a dangling $ref',
    mutate: (d) => (d.components.schemas.Widget.properties.size = { $ref: '#/components/schemas/Missing' }),
    want: { kind: 'schema', pointer: '#/components/schemas/Widget', message: /can't resolve reference/ },
  },
  {
    given: 'an info object without version',
    mutate: (d) => delete d.info.version,
    want: { kind: 'structure', pointer: '#/info', message: /version/ },
  },
  {
    given: 'an OpenAPI 3.0 document',
    mutate: (d) => (d.openapi = '3.0.3'),
    want: { kind: 'structure', pointer: '#/openapi', message: /expected OpenAPI 3\.1/ },
  },
];

describe('spec check', () => {
  it('passes the valid fixture, having compiled its schemas and validated its examples', async () => {
    const report = await validateSpecDocument(valid());
    expect(report.problems).toEqual([]);
    expect(report.schemasCompiled).toBeGreaterThanOrEqual(5);
    expect(report.examplesValidated).toBe(5);
  });

  it.each(cases)('catches $given', async ({ mutate, want }) => {
    const doc = valid();
    mutate(doc);
    const report = await validateSpecDocument(doc);
    const match = report.problems.find((p) => p.kind === want.kind && p.pointer === want.pointer && want.message.test(p.message));
    expect(match, JSON.stringify(report.problems, null, 2)).toBeDefined();
  });

  it('fails the deliberately broken fixture on structure and schema, then on its example', async () => {
    const report = await validateSpecDocument(loadYamlFixture('specs/broken.yaml'));
    expect(new Set(report.problems.map((p) => p.kind))).toEqual(new Set(['structure', 'schema']));
    // The example's schema does not compile, so the example cannot be judged yet; fix the
    // keyword and the example itself fails, on both of its defects.
    const fixed = loadYamlFixture('specs/broken.yaml');
    delete fixed.components.schemas.Thing.properties.label.minLenght;
    const again = await validateSpecDocument(fixed);
    const exampleProblems = again.problems.filter((p) => p.kind === 'example').map((p) => p.message);
    expect(exampleProblems).toHaveLength(2);
    expect(exampleProblems).toEqual(
      expect.arrayContaining([expect.stringMatching(/\/count must be integer/), expect.stringMatching(/must NOT have additional properties "colour"/)]),
    );
  });
});
