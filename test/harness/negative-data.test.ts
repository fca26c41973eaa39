// The negative_data check: its cases come from the schemas alone (a table of schemas shows each
// generated violation really breaks its schema); it passes against the four in-process sandboxes,
// is bounded by --max-examples and reproducible for a --seed, and fails against implementations
// broken in exactly what it guards (a 5xx on malformed JSON, input accepted unvalidated, an error
// outside the envelope, an undocumented status).
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterEach, describe, expect, it } from 'vitest';
import { getProvider, PROVIDER_IDS, type ProviderId } from '../../contracts/providers.ts';
import { ABSENT, applyViolation, describePath, violationsOf } from '../../harness/arbitraries/violations.ts';
import { negativeData } from '../../harness/checks/negative-data.ts';
import { runChecks, seededRandom, type RunReport } from '../../harness/run.ts';
import { buildTarget } from '../../harness/target.ts';
import { startTestSandbox, type TestSandbox } from '../support/sandbox.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));

describe('the violation generator', () => {
  const TABLE: Array<[string, Record<string, unknown>, unknown, string[]]> = [
    ['integer bounds', { type: 'integer', minimum: 1, maximum: 100 }, 5, ['minimum 1', 'maximum 100']],
    ['exclusive bound of a number', { type: 'number', exclusiveMinimum: 0 }, 250, ['exclusiveMinimum 0']],
    ['string lengths', { type: 'string', minLength: 2, maxLength: 4 }, 'abc', ['minLength 2', 'maxLength 4']],
    ['pattern', { type: 'string', pattern: '^[A-Z]{3}$' }, 'USD', ['pattern ^[A-Z]{3}$']],
    ['format date within its pattern', { type: 'string', format: 'date', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' }, '2026-01-31', ['format date']],
    ['format email', { type: 'string', format: 'email' }, 'dana@example.com', ['format email']],
    ['enum', { type: 'string', enum: ['active', 'claimed'] }, 'active', ['enum ["active","claimed"]']],
    ['integer enum', { type: 'integer', enum: [3, 6, 12] }, 3, ['enum [3,6,12]']],
    ['required and closed object', { type: 'object', additionalProperties: false, required: ['a'], properties: { a: { type: 'string' } } }, { a: 'x' }, ['required', 'additionalProperties false']],
    ['arrays', { type: 'array', minItems: 1, maxItems: 2, uniqueItems: true, items: { type: 'string' } }, ['a'], ['minItems 1', 'maxItems 2', 'uniqueItems']],
    ['minProperties', { type: 'object', minProperties: 1, properties: { s: { enum: ['A'] } } }, { s: 'A' }, ['minProperties 1']],
  ];

  it.each(TABLE)('%s: names the rules it breaks, and every violation is invalid', (_name, schema, valid, rules) => {
    const validate = ajv.compile(schema);
    expect(validate(valid)).toBe(true);
    const violations = violationsOf(schema, valid, { root: schema, random: seededRandom(1) });
    for (const rule of rules) expect(violations.map((v) => v.rule)).toContain(rule);
    for (const v of violations) expect(validate(applyViolation(valid, v)), `${v.rule}: ${JSON.stringify(applyViolation(valid, v))}`).toBe(false);
    expect(violations.some((v) => v.kind === 'type')).toBe(true);
  });

  it('reaches nested properties, array items and optional fields the valid value lacks', () => {
    const schema = {
      type: 'object',
      additionalProperties: false,
      required: ['owner', 'items'],
      properties: {
        owner: { type: 'object', additionalProperties: false, required: ['phone'], properties: { phone: { type: 'string', pattern: '^\\+[1-9][0-9]{7,14}$' } } },
        items: { type: 'array', items: { type: 'object', properties: { quantity: { type: 'integer', maximum: 100 } } } },
        reference: { type: 'string', maxLength: 8 },
      },
    };
    const valid = { owner: { phone: '+12025550143' }, items: [{ quantity: 1 }] };
    const violations = violationsOf(schema, valid, { root: schema, random: seededRandom(2) });
    const where = violations.map((v) => `${describePath('body', v.path)}: ${v.rule}`);
    expect(where).toContain('body.owner.phone: required');
    expect(where).toContain('body.owner.phone: pattern ^\\+[1-9][0-9]{7,14}$');
    expect(where).toContain('body.items[0].quantity: maximum 100');
    expect(where).toContain('body.reference: maxLength 8');
    const missingPhone = violations.find((v) => v.value === ABSENT && v.path.join('.') === 'owner.phone')!;
    expect(applyViolation(valid, missingPhone)).toEqual({ owner: {}, items: [{ quantity: 1 }] });
    expect(valid.owner.phone).toBe('+12025550143');
    const longReference = violations.find((v) => v.rule === 'maxLength 8')!;
    expect((applyViolation(valid, longReference) as any).reference).toHaveLength(9);
  });

  it('sends the properties oneOf says exclude each other together', () => {
    const schema = {
      type: 'object',
      additionalProperties: false,
      required: ['code'],
      properties: { code: { type: 'string' }, tokens: { type: 'integer', minimum: 1 }, value: { type: 'string' } },
      oneOf: [{ required: ['tokens'] }, { required: ['value'] }],
    };
    const violations = violationsOf(schema, { code: 'A', tokens: 5 }, { root: schema, random: seededRandom(3) });
    const both = violations.find((v) => v.kind === 'combination')!;
    expect(both.rule).toBe('oneOf (sent "value" together with "tokens")');
    expect(applyViolation({ code: 'A', tokens: 5 }, both)).toEqual({ code: 'A', tokens: 5, value: expect.any(String) });
    expect(ajv.compile(schema)(applyViolation({ code: 'A', tokens: 5 }, both))).toBe(false);
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
  if (o.only) target.contract = { ...target.contract, operations: target.contract.operations.filter((op) => o.only!.includes(op.operationId)) };
  const report = await runChecks(target, [negativeData], { seed: o.seed ?? 1, maxExamples: o.maxExamples ?? 20 }, { fetch: o.wrap ? o.wrap(sb.fetch) : sb.fetch });
  return { ...report, sb };
}

const failed = (r: RunReport) => r.findings.filter((f) => f.outcome === 'fail');
const subjects = (r: RunReport) => r.findings.map((f) => f.subject);
const opOf = (subject: string) => subject.split(' ')[0]!;

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

/** The sandbox's answer with another status and/or body. */
async function rewrite(res: Promise<Response>, when: (r: Response) => boolean, status: (r: Response) => number, body?: string): Promise<Response> {
  const r = await res;
  if (!when(r)) return r;
  return new Response(body ?? (await r.text()), { status: status(r), headers: r.headers });
}

describe('negative_data against the sandboxes', () => {
  it.each(PROVIDER_IDS)('%s: every schema-breaking request gets a documented 4xx in the envelope', async (id) => {
    const r = await run(id);
    expect(failed(r)).toEqual([]);
    expect(r.passed).toBeGreaterThan(20);
    // Operations with nothing to break are skipped, nothing else (no 429, no 401/403 with the declared roles).
    for (const f of r.findings.filter((x) => x.outcome === 'skip')) expect(f.reason).toBe('no path or query parameter and no body to break');
    expect(r.sb.violations).toEqual([]);
  });

  it('covers transport, types, bounds, lengths, patterns, formats, enums, missing and unknown fields in body, path and query', async () => {
    const r = await run('starship', { maxExamples: 500, only: ['createOrder', 'getOrder', 'listOrders', 'createWebhookEndpoint'] });
    expect(failed(r)).toEqual([]);
    const s = subjects(r);
    for (const expected of [
      'createOrder (body: malformed JSON)',
      'createOrder (body: Content-Type application/json (sent text/plain))',
      'createOrder (body: required request body)',
      'createOrder (body: type object (sent string))',
      'createOrder (body.quantity: type integer (sent number as string))',
      'createOrder (body.quantity: type integer (sent string))',
      'createOrder (body.quantity: type integer (sent non-integer number))',
      'createOrder (body.quantity: minimum 1)',
      'createOrder (body.quantity: maximum 100)',
      'createOrder (body.quantity: required)',
      'createOrder (body.product_id: pattern ^[a-z0-9]+(?:-[a-z0-9]+)*$)',
      'createOrder (body.product_id: maxLength 128)',
      'createOrder (body.reference: minLength 1)',
      'createOrder (body.accord_unknown_field: additionalProperties false)',
      'getOrder (path order_id: pattern ^ord_[0-9A-HJKMNP-TV-Z]{26}$)',
      'listOrders (query per_page: maximum 100)',
      'listOrders (query created_from: format date)',
      'createWebhookEndpoint (body.url: format uri)',
      'createWebhookEndpoint (body.events: uniqueItems)',
      'createWebhookEndpoint (body.events: minItems 1)',
    ]) {
      expect(s).toContain(expected);
    }
    expect(s.some((x) => x.startsWith('listOrders (query status: enum'))).toBe(true);
    expect(s.some((x) => x.startsWith('listOrders (query page: type integer (sent "'))).toBe(true);
  });

  it('SIR Giving: fields oneOf makes exclusive are sent together and refused', async () => {
    const r = await run('sirgiving', { maxExamples: 500, only: ['submitAction'] });
    expect(failed(r)).toEqual([]);
    expect(subjects(r).filter((s) => s.includes('oneOf (sent')).length).toBeGreaterThan(0);
  });

  it('is bounded by --max-examples and reproducible for a --seed', async () => {
    const only = ['listOrders', 'createOrder', 'getOrder', 'createPayout'];
    const a = await run('starship', { seed: 3, maxExamples: 4, only });
    const b = await run('starship', { seed: 3, maxExamples: 4, only });
    const c = await run('starship', { seed: 4, maxExamples: 4, only });
    const perOp = new Map<string, number>();
    for (const s of subjects(a)) perOp.set(opOf(s), (perOp.get(opOf(s)) ?? 0) + 1);
    expect(Math.max(...perOp.values())).toBe(4);
    const sent = (r: RunReport) => r.findings.map((f) => `${f.subject} ${f.exchange?.request.url} ${f.exchange?.request.body}`);
    expect(sent(b)).toEqual(sent(a));
    expect(sent(c)).not.toEqual(sent(a));
    // The transport cases lead whatever the seed.
    expect(subjects(c)).toContain('createOrder (body: malformed JSON)');
  });
});

describe('negative_data against broken implementations', () => {
  it('a 500 on malformed JSON fails', async () => {
    const r = await run('starship', {
      only: ['listOrders', 'createOrder', 'cancelOrder', 'checkoutCart', 'createPayout', 'createWebhookEndpoint'],
      wrap: broken(async (_req, body, send) => {
        if (!body) return send();
        try {
          JSON.parse(body);
        } catch {
          return new Response(JSON.stringify({ error: { code: 'INTERNAL_ERROR', message: 'Unexpected end of JSON input', request_id: 'x' } }), { status: 500, headers: { 'Content-Type': 'application/json' } });
        }
        return send();
      }),
    });
    const f = failed(r);
    expect(f.length).toBeGreaterThan(0);
    for (const x of f) {
      expect(x.subject).toMatch(/\(body: malformed JSON\)$/);
      expect(x.reason).toMatch(/^server error 500 .*body breaks malformed JSON: expected a 4xx/);
      expect(x.exchange?.response?.status).toBe(500);
    }
    expect(new Set(f.map((x) => opOf(x.subject)))).toEqual(new Set(['createOrder', 'cancelOrder', 'checkoutCart', 'createPayout', 'createWebhookEndpoint']));
  });

  it('input accepted without validation fails (iStar answers 200 where it refused with 400)', async () => {
    const r = await run('istar', { wrap: broken(async (_req, _body, send) => rewrite(send(), (x) => x.status === 400, () => 200, '{}')) });
    const f = failed(r);
    expect(f.length).toBeGreaterThan(10);
    for (const x of f) expect(x.reason).toMatch(/^accepted \(200\) a request whose .* breaks .*: expected a 4xx$/);
  });

  it('an error outside the provider’s envelope fails (ODM answers a bare message)', async () => {
    const r = await run('odm', { only: ['issueVoucher'], wrap: broken(async (_req, _body, send) => rewrite(send(), (x) => x.status === 400, () => 400, '{"message":"bad request"}')) });
    const f = failed(r);
    expect(f.length).toBe(r.findings.length);
    for (const x of f) expect(x.reason).toMatch(/^the 400 body is not the OdmError envelope/);
  });

  it('an undocumented status fails (SIR Giving answers 422 on operations that document only 400)', async () => {
    const r = await run('sirgiving', { only: ['getAction', 'listUsers', 'createUser'], wrap: broken(async (_req, _body, send) => rewrite(send(), (x) => x.status === 400, () => 422)) });
    const f = failed(r);
    expect(new Set(f.map((x) => opOf(x.subject)))).toEqual(new Set(['getAction', 'listUsers', 'createUser']));
    for (const x of f) expect(x.reason).toMatch(/^answered 422, which \w+ does not document/);
  });

  it('requests refused by auth are reported as skipped, not passed (the input was never judged)', async () => {
    const r = await run('istar', { only: ['createStarOrder'], wrap: broken(async () => new Response('{"ok":false,"error":{"code":"UNAUTHORIZED","message":"no"}}', { status: 401, headers: { 'Content-Type': 'application/json' } })) });
    expect(r.passed).toBe(0);
    expect(r.skipped).toBe(r.findings.length);
    expect(r.findings[0]!.reason).toMatch(/^refused by auth \(401/);
  });
});
