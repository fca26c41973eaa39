// The fuzz check and its JSON Schema → fast-check converter: every generated value validates
// against its schema with ajv (a table of schemas, then every request schema of the four specs);
// the check passes against the four in-process sandboxes, and against implementations broken on
// purpose it fails with the request shrunk to a minimal counterexample.
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { getProvider, PROVIDER_IDS, type ProviderId } from '../../contracts/providers.ts';
import { createSchemaSet } from '../../contracts/schemas.ts';
import { arbitraryFor, UnsupportedSchemaError } from '../../harness/arbitraries/arbitrary.ts';
import { requestArbitrary, requestShape } from '../../harness/arbitraries/request.ts';
import { fuzz } from '../../harness/checks/fuzz.ts';
import { runChecks, type RunReport } from '../../harness/run.ts';
import { buildTarget } from '../../harness/target.ts';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

/** ajv as the specs use it: 2020-12 with formats (one instance for the whole table). */
const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
const validatorFor = (schema: object) => ajv.compile(schema);

/** Every value the converter draws (150 of them) validates; failures name the value and ajv's errors. */
function expectAllValid(schema: Record<string, unknown>, root?: Record<string, unknown>) {
  const validate = validatorFor(root ? { ...root, ...schema } : schema);
  const arb = arbitraryFor(schema, root ? { root } : {});
  fc.assert(
    fc.property(arb, (v) => {
      if (!validate(v)) throw new Error(`${JSON.stringify(v)}: ${JSON.stringify(validate.errors)}`);
    }),
    { seed: 42, numRuns: 150 },
  );
}

const defs = {
  $defs: {
    Slug: { type: 'string', pattern: '^[a-z0-9]+(?:-[a-z0-9]+)*$', minLength: 1, maxLength: 64, examples: ['acme-rewards'] },
    Money: { type: 'object', additionalProperties: false, required: ['amount', 'currency'], properties: { amount: { type: 'string', pattern: '^[1-9][0-9]{0,8}(?:\\.[0-9]{1,2})?$' }, currency: { type: 'string', pattern: '^[A-Z]{3}$' } } },
  },
};

const TABLE: Array<[string, Record<string, unknown>, Record<string, unknown>?]> = [
  ['type string', { type: 'string' }],
  ['type integer', { type: 'integer' }],
  ['type number', { type: 'number' }],
  ['type boolean', { type: 'boolean' }],
  ['type null', { type: 'null' }],
  ['type list with null', { type: ['string', 'null'], maxLength: 3 }],
  ['no type at all', {}],
  ['enum of strings', { type: 'string', enum: ['bank_account', 'wallet'] }],
  ['enum of integers', { type: 'integer', enum: [3, 6, 12] }],
  ['const', { const: 'TON' }],
  ['integer minimum/maximum', { type: 'integer', minimum: 50, maximum: 1_000_000 }],
  ['integer exclusive bounds', { type: 'integer', exclusiveMinimum: 0, exclusiveMaximum: 10 }],
  ['integer lower bound only', { type: 'integer', minimum: 1 }],
  ['integer multipleOf', { type: 'integer', multipleOf: 5, minimum: 0, maximum: 100 }],
  ['number exclusiveMinimum', { type: 'number', exclusiveMinimum: 0 }],
  ['number bounds', { type: 'number', minimum: -1.5, maximum: 2.25 }],
  ['int32 format', { type: 'integer', format: 'int32' }],
  ['minLength/maxLength', { type: 'string', minLength: 3, maxLength: 5 }],
  ['pattern', { type: 'string', pattern: '^ord_[0-9A-HJKMNP-TV-Z]{26}$' }],
  ['pattern with hex escapes and lengths', { type: 'string', pattern: '^[\\x20-\\x7E]{8,256}$', minLength: 8, maxLength: 256 }],
  ['pattern \\S', { type: 'string', pattern: '^\\S+$', minLength: 1 }],
  ['unanchored pattern', { type: 'string', pattern: 'abc', maxLength: 10 }],
  ['format date', { type: 'string', format: 'date' }],
  ['format date with its pattern', { type: 'string', format: 'date', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' }],
  ['format date-time', { type: 'string', format: 'date-time' }],
  ['format uri with ^https:// and maxLength', { type: 'string', format: 'uri', pattern: '^https://', maxLength: 2048 }],
  ['format email', { type: 'string', format: 'email' }],
  ['format uuid', { type: 'string', format: 'uuid' }],
  ['array min/max items', { type: 'array', items: { type: 'integer' }, minItems: 1, maxItems: 3 }],
  ['array uniqueItems of enum', { type: 'array', uniqueItems: true, minItems: 1, maxItems: 7, items: { type: 'string', enum: ['a', 'b', 'c', 'd', 'e', 'f', 'g'] } }],
  ['array of objects', { type: 'array', items: { type: 'object', required: ['x'], properties: { x: { type: 'integer' } } } }],
  ['object required + closed', { type: 'object', additionalProperties: false, required: ['a'], properties: { a: { type: 'string' }, b: { type: 'integer' } } }],
  ['object additionalProperties schema, propertyNames, maxProperties', { type: 'object', maxProperties: 3, propertyNames: { minLength: 1, maxLength: 5 }, additionalProperties: { type: 'string', maxLength: 10 } }],
  ['object minProperties over optional properties', { type: 'object', additionalProperties: false, minProperties: 1, properties: { status: { enum: ['A', 'B'] }, tier: { enum: ['X'] } } }],
  ['free-form object', { type: 'object' }],
  ['$ref', { $ref: '#/$defs/Slug' }, defs],
  ['$ref with sibling keywords', { $ref: '#/$defs/Slug', maxLength: 10, description: 'short' }, defs],
  ['nested $ref', { type: 'object', required: ['slug', 'value'], properties: { slug: { $ref: '#/$defs/Slug' }, value: { $ref: '#/$defs/Money' } } }, defs],
  [
    'oneOf of required-only branches (exactly one of)',
    {
      type: 'object',
      additionalProperties: false,
      required: ['code'],
      properties: { code: { type: 'string', minLength: 1 }, tokens: { type: 'integer', minimum: 1 }, value: { $ref: '#/$defs/Money' }, userId: { type: 'string' }, externalUserId: { type: 'string' } },
      allOf: [{ oneOf: [{ required: ['tokens'] }, { required: ['value'] }] }, { oneOf: [{ required: ['userId'] }, { required: ['externalUserId'] }] }],
    },
    defs,
  ],
  ['oneOf of types', { oneOf: [{ type: 'string', maxLength: 3 }, { type: 'integer' }] }],
  ['oneOf of shapes with const', { oneOf: [{ type: 'object', required: ['kind', 'a'], properties: { kind: { const: 'a' }, a: { type: 'integer' } } }, { type: 'object', required: ['kind', 'b'], properties: { kind: { const: 'b' }, b: { type: 'string' } } }] }],
  ['anyOf', { anyOf: [{ type: 'string', format: 'date' }, { type: 'null' }] }],
  ['allOf bounds', { allOf: [{ type: 'integer', minimum: 0 }, { maximum: 10 }, { minimum: 5 }] }],
  ['allOf of objects', { allOf: [{ type: 'object', required: ['a'], properties: { a: { type: 'string' } } }, { required: ['b'], properties: { b: { type: 'boolean' } } }] }],
  ['allOf of two patterns', { allOf: [{ type: 'string', pattern: '^[a-z]+$' }, { pattern: 'x' }], maxLength: 8 }],
];

describe('the schema → fast-check converter', () => {
  it.each(TABLE)('%s: every generated value validates with ajv', (_name, schema, root) => {
    expectAllValid(schema, root);
  });

  it('draws the spec’s own examples of scalars too (the happy path a random id never reaches)', () => {
    const values = fc.sample(arbitraryFor({ $ref: '#/$defs/Slug' }, { root: defs }), { seed: 1, numRuns: 100 });
    expect(values).toContain('acme-rewards');
    expect(fc.sample(arbitraryFor({ $ref: '#/$defs/Slug' }, { root: defs, useExamples: false }), { seed: 1, numRuns: 100 })).not.toContain('acme-rewards');
  });

  it('generated URLs reach nobody (loopback, discard port) and e-mail addresses use names that never resolve', () => {
    for (const v of fc.sample(arbitraryFor({ type: 'string', format: 'uri' }), { seed: 3, numRuns: 100 }) as string[]) expect(new URL(v).host).toMatch(/^(127\.0\.0\.1|localhost|\[::1\]):9$/);
    for (const v of fc.sample(arbitraryFor({ type: 'string', format: 'email' }), { seed: 3, numRuns: 100 }) as string[]) expect(v).toMatch(/@[a-z0-9.-]+\.(test|example|invalid)$/);
  });

  it('the same seed draws the same values', () => {
    const schema = { type: 'object', required: ['a'], properties: { a: { type: 'string' }, b: { type: 'array', items: { type: 'number' } } } };
    expect(fc.sample(arbitraryFor(schema), { seed: 9, numRuns: 20 })).toEqual(fc.sample(arbitraryFor(schema), { seed: 9, numRuns: 20 }));
  });

  it('refuses keywords it cannot honour instead of generating wrong values', () => {
    expect(() => arbitraryFor({ not: { type: 'string' } })).toThrow(UnsupportedSchemaError);
    expect(() => arbitraryFor({ type: 'string', format: 'idn-hostname' })).toThrow(/format "idn-hostname"/);
    expect(() => arbitraryFor({ type: 'integer', minimum: 5, maximum: 1 })).toThrow(UnsupportedSchemaError);
    expect(() => arbitraryFor({ $ref: 'https://example.com/schema.json' })).toThrow(/local \$ref/);
  });

  it.each(PROVIDER_IDS)('%s: every parameter and body schema of every operation generates only valid values', async (id) => {
    const { doc, schemas, contract } = await buildTarget(getProvider(id), 'http://127.0.0.1:9/', { credentials: {} } as any);
    const params = createSchemaSet(doc, 'accord:params-test', { coerceTypes: 'array' });
    let checked = 0;
    for (const op of contract.operations) {
      const shape = requestShape(doc, op);
      if (shape.body) {
        const validate = schemas.validatorAt(shape.body.pointer);
        fc.assert(fc.property(arbitraryFor(shape.body.schema, { root: doc }), (v) => void expect(validate(v), `${op.operationId} body ${JSON.stringify(v)} ${JSON.stringify(validate.errors)}`).toBe(true)), { seed: 1, numRuns: 60 });
        checked++;
      }
      for (const p of shape.parameters) {
        const validate = params.ajv.compile({ type: 'object', properties: { v: { $ref: `accord:params-test${p.pointer}` } } });
        fc.assert(fc.property(arbitraryFor(p.schema, { root: doc }), (v) => void expect(validate({ v: typeof v === 'object' ? v : String(v) }), `${op.operationId} ${p.in} ${p.name} = ${JSON.stringify(v)}`).toBe(true)), { seed: 1, numRuns: 30 });
        checked++;
      }
      // The whole request: path values are routable, required parameters are there.
      for (const input of fc.sample(requestArbitrary(doc, op), { seed: 2, numRuns: 10 })) {
        for (const p of shape.parameters.filter((x) => x.required && (x.in === 'path' || x.in === 'query'))) expect((input as any)[p.in][p.name], `${op.operationId} ${p.name}`).toBeDefined();
      }
    }
    expect(checked).toBeGreaterThan(0);
  });
});

const open: TestSandbox[] = [];
afterEach(async () => {
  for (const sb of open.splice(0)) await sb.close();
});

type Wrap = (send: typeof fetch) => typeof fetch;

async function run(id: ProviderId, o: { wrap?: Wrap; seed?: number; maxExamples?: number; only?: string[] } = {}): Promise<RunReport & { sb: TestSandbox }> {
  // Documented limits: the harness paces itself, advancing the sandbox clock through its control API.
  const sb = await startTestSandbox(id);
  open.push(sb);
  const target = await buildTarget(getProvider(id), sb.baseUrl, { baseUrl: sb.baseUrl, credentials: sb.instance.credentials, controlUrl: `${new URL(sb.baseUrl).origin}/_accord` } as any);
  // The broken-implementation cases run the operations they break (and their neighbours) only.
  if (o.only) target.contract = { ...target.contract, operations: target.contract.operations.filter((op) => o.only!.includes(op.operationId)) };
  const report = await runChecks(target, [fuzz], { seed: o.seed ?? 1, maxExamples: o.maxExamples ?? 10 }, { fetch: o.wrap ? o.wrap(sb.fetch) : sb.fetch });
  return { ...report, sb };
}

const failed = (r: RunReport) => r.findings.filter((f) => f.outcome === 'fail');

/** A broken implementation: each provider request goes through `answer`, which may answer itself. */
function broken(answer: (req: Request, body: string, send: () => Promise<Response>) => Promise<Response>): Wrap {
  return (send) =>
    (async (input: RequestInfo | URL, init?: RequestInit) => {
      const req = new Request(input, init);
      // The sandbox control API is not the implementation under test: never broken.
      if (new URL(req.url).pathname.startsWith('/_accord')) return send(req);
      const body = await req.clone().text();
      return answer(req, body, () => send(req));
    }) as typeof fetch;
}

describe('fuzz against the sandboxes', () => {
  it.each(PROVIDER_IDS)('%s: every operation passes', async (id) => {
    const r = await run(id);
    expect(failed(r)).toEqual([]);
    expect(r.findings.length).toBe(r.checks[0]!.passed + r.checks[0]!.skipped);
    expect(r.passed).toBeGreaterThan(0);
    expect(r.sb.violations).toEqual([]);
  });
});

describe('fuzz against broken implementations', () => {
  // Starship answers 500 to an order of more than 50 vouchers: fast-check finds it and shrinks
  // the request to the smallest one that still fails — quantity 51, no optional fields.
  const over50 = broken(async (req, body, send) => {
    if (req.method === 'POST' && new URL(req.url).pathname.endsWith('/orders') && (JSON.parse(body || '{}').quantity ?? 0) > 50) {
      return new Response(JSON.stringify({ error: { code: 'INTERNAL_ERROR', message: 'boom' } }), { status: 500, headers: { 'Content-Type': 'application/json' } });
    }
    return send();
  });

  it('a 5xx is reported with the shrunk minimal request', async () => {
    const r = await run('starship', { wrap: over50, maxExamples: 30, only: ['listOrders', 'createOrder', 'getOrder'] });
    const f = failed(r);
    expect(f.map((x) => x.subject)).toEqual(['createOrder']);
    expect(f[0]!.reason).toMatch(/^server error 500/);
    expect(f[0]!.reason).toMatch(/minimal failing request \(after \d+ shrinks/);
    const request = f[0]!.reason!.slice(f[0]!.reason!.indexOf('POST /orders'));
    const body = JSON.parse(request.slice('POST /orders '.length));
    expect(body).toEqual({ product_id: expect.any(String), quantity: 51 });
    expect(body.product_id.length).toBe(1);
    expect(f[0]!.exchange?.response?.status).toBe(500);
    expect(f[0]!.exchange?.request.body).toContain('"quantity":51');
  });

  it('the same seed finds and shrinks to the same counterexample', async () => {
    const a = await run('starship', { wrap: over50, maxExamples: 30, seed: 5, only: ['createOrder'] });
    const b = await run('starship', { wrap: over50, maxExamples: 30, seed: 5, only: ['createOrder'] });
    expect(failed(a).map((f) => f.reason)).toEqual(failed(b).map((f) => f.reason));
  });

  it('an undocumented status is a failure (iStar answers 418 to usernames longer than 10 characters)', async () => {
    const r = await run('istar', {
      maxExamples: 30,
      only: ['searchStarRecipient', 'searchPremiumRecipient', 'getWalletBalance'],
      wrap: broken(async (req, _body, send) => {
        const username = new URL(req.url).searchParams.get('username');
        return username && username.length > 10 ? new Response(JSON.stringify({ error: 'teapot' }), { status: 418, headers: { 'Content-Type': 'application/json' } }) : send();
      }),
    });
    const f = failed(r);
    expect(f.map((x) => x.subject).sort()).toEqual(['searchPremiumRecipient', 'searchStarRecipient']);
    for (const x of f) {
      expect(x.reason).toMatch(/^status 418 is not documented/);
      expect(x.reason).toMatch(/username=[A-Za-z0-9_]{11}&|username=[A-Za-z0-9_]{11}$/);
    }
  });

  it('a response that breaks its schema is a failure (ODM’s access record with a field the spec does not have)', async () => {
    const r = await run('odm', {
      only: ['getApiAccess', 'listVouchers'],
      wrap: broken(async (req, _body, send) => {
        const res = await send();
        if (!new URL(req.url).pathname.endsWith('/partner/v1/access') || res.status !== 200) return res;
        const json = await res.json();
        return new Response(JSON.stringify({ ...json, internal_notes: 'x' }), { status: 200, headers: res.headers });
      }),
    });
    const f = failed(r);
    expect(f.map((x) => x.subject)).toEqual(['getApiAccess']);
    expect(f[0]!.reason).toMatch(/the 200 body does not match the 200 schema: .*additional properties "internal_notes"/);
  });
});
