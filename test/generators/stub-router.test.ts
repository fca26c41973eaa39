// The generated server stubs: an invalid request gets the provider's own error envelope (never a
// stack trace, never a 5xx), a valid one reaches the typed handler with parsed, coerced input.
import { describe, expect, it } from 'vitest';
import { bundleSpec } from '../../contracts/bundle.ts';
import { getProvider } from '../../contracts/providers.ts';
import { createSchemaSet } from '../../contracts/schemas.ts';
import { createIStarRouter } from '../../generated/istar/server.ts';
import { createOdmRouter } from '../../generated/odm/server.ts';
import { createSirGivingRouter } from '../../generated/sirgiving/server.ts';
import { createStarshipRouter } from '../../generated/starship/server.ts';
import type { Hono } from 'hono';

type Case = {
  provider: 'starship' | 'istar' | 'sirgiving' | 'odm';
  router: (handlers: Record<string, any>, validateResponses?: boolean) => Hono;
  base: string;
  /** A write with a JSON body: its path, a valid body, and a field to break. */
  write: { path: string; operationId: string; body: Record<string, unknown>; breakField: string; breakValue: unknown };
  /** A GET with a required or typed query parameter. */
  read: { path: string; operationId: string; query: string; expectQuery: Record<string, unknown> };
  errorSchema: string;
};

const CASES: Case[] = [
  {
    provider: 'starship',
    router: (handlers, validateResponses) => createStarshipRouter({ handlers, validateResponses: validateResponses ?? false }),
    base: '/api/v1',
    write: { path: '/orders', operationId: 'createOrder', body: { product_id: 'amazon-gift-500', quantity: 2 }, breakField: 'quantity', breakValue: 0 },
    read: { path: '/products', operationId: 'listProducts', query: 'per_page=50&page=2', expectQuery: { per_page: 50, page: 2 } },
    errorSchema: 'StarshipError',
  },
  {
    provider: 'istar',
    router: (handlers, validateResponses) => createIStarRouter({ handlers, validateResponses: validateResponses ?? false }),
    base: '/api/v1/partner',
    write: { path: '/orders/star', operationId: 'createStarOrder', body: { username: 'johndoe', recipient_hash: 'ABCDEF123456', quantity: 100, wallet_type: 'TON' }, breakField: 'quantity', breakValue: 10 },
    read: { path: '/star/recipient/search', operationId: 'searchStarRecipient', query: 'username=johndoe&quantity=100', expectQuery: { username: 'johndoe', quantity: 100 } },
    errorSchema: 'IstarError',
  },
  {
    provider: 'sirgiving',
    router: (handlers, validateResponses) => createSirGivingRouter({ handlers, validateResponses: validateResponses ?? false }),
    base: '/api/v1',
    write: { path: '/users', operationId: 'createUser', body: {}, breakField: 'unexpected_field', breakValue: true },
    read: { path: '/transactions', operationId: 'listTransactions', query: 'page=3', expectQuery: { page: 3 } },
    errorSchema: 'SirGivingError',
  },
  {
    provider: 'odm',
    router: (handlers, validateResponses) => createOdmRouter({ handlers, validateResponses: validateResponses ?? false }),
    base: '',
    write: { path: '/merchant/v1/vouchers/validate', operationId: 'validateVoucher', body: { code: 'ABCD-EFGH-JKLM-NPQR' }, breakField: 'code', breakValue: 42 },
    read: { path: '/partner/v1/vouchers', operationId: 'listVouchers', query: 'page=2&per_page=10', expectQuery: { page: 2, per_page: 10 } },
    errorSchema: 'OdmError',
  },
];

const DOCS = Object.fromEntries(await Promise.all(CASES.map(async (c) => [c.provider, await bundleSpec(getProvider(c.provider).specPath)] as const)));

describe.each(CASES)('$provider stub router', (c) => {
  const doc = DOCS[c.provider]!;
  const envelope = createSchemaSet(doc).validatorAt(`#/components/schemas/${c.errorSchema}`);
  const expectEnvelope = async (res: Response, status: number) => {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toContain('application/json');
    const body = await res.json();
    expect(envelope(body), JSON.stringify(body)).toBe(true);
    expect(JSON.stringify(body)).not.toMatch(/at \w+ \(|node_modules|\.ts:\d+/);
    return body;
  };
  const writeHeaders = { 'Content-Type': 'application/json', 'Idempotency-Key': 'test-key-00000001' };

  it('answers malformed JSON with 400 in the provider envelope', async () => {
    const app = c.router({});
    const res = await app.request(c.base + c.write.path, { method: 'POST', headers: writeHeaders, body: '{"oops":' });
    await expectEnvelope(res, 400);
  });

  it('answers a schema-violating body with 400 naming the field', async () => {
    const app = c.router({});
    const res = await app.request(c.base + c.write.path, { method: 'POST', headers: writeHeaders, body: JSON.stringify({ ...c.write.body, [c.write.breakField]: c.write.breakValue }) });
    const body = await expectEnvelope(res, 400);
    expect(JSON.stringify(body)).toContain(c.write.breakField);
  });

  it('answers an unknown path with 404 in the envelope', async () => {
    const res = await c.router({}).request(c.base + '/no/such/thing');
    await expectEnvelope(res, 404);
  });

  it('passes a valid request to the typed handler, query coerced to its schema types', async () => {
    let seen: any;
    const app = c.router({
      [c.read.operationId]: (req: any) => {
        seen = req;
        return { status: 200, body: { ok: true } };
      },
    });
    const res = await app.request(`${c.base}${c.read.path}?${c.read.query}`, { headers: { 'X-Request-Id': 'req_01KE0B8C4F6H8K0M2P4R6T8V0X' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('req_01KE0B8C4F6H8K0M2P4R6T8V0X');
    expect(seen.query).toMatchObject(c.read.expectQuery);
    expect(seen.operation.operationId).toBe(c.read.operationId);
  });

  it('with response validation on, refuses a handler body that breaks the spec', async () => {
    const app = c.router({ [c.read.operationId]: () => ({ status: 200, body: { not: 'the documented shape' } }) }, true);
    const res = await app.request(`${c.base}${c.read.path}?${c.read.query}`);
    const body = await expectEnvelope(res, 500);
    expect(JSON.stringify(body)).toContain(c.read.operationId);
  });
});

it('starship: a required Idempotency-Key that is missing gets the documented 400 code', async () => {
  const app = createStarshipRouter({ handlers: {} });
  const res = await app.request('/api/v1/orders', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ product_id: 'amazon-gift-500', quantity: 1 }) });
  expect(res.status).toBe(400);
  expect((await res.json()).error.code).toBe('IDEMPOTENCY_KEY_MISSING');
});

it('starship: a text/plain body is refused with 415 UNSUPPORTED_MEDIA_TYPE, as the spec documents', async () => {
  const app = createStarshipRouter({ handlers: {} });
  const res = await app.request('/api/v1/orders', { method: 'POST', headers: { 'Content-Type': 'text/plain', 'Idempotency-Key': 'test-key-00000001' }, body: 'hello' });
  expect(res.status).toBe(415);
  expect((await res.json()).error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
});

it('odm: a caller X-Request-Id outside ODM\'s req_<ULID> format is replaced, so error bodies stay valid', async () => {
  const res = await createOdmRouter({ handlers: {} }).request('/no/such/path', { headers: { 'X-Request-Id': 'not-an-odm-id' } });
  const id = res.headers.get('x-request-id');
  expect(id).toMatch(/^req_[0-9A-HJKMNP-TV-Z]{26}$/);
  expect((await res.json()).error.request_id).toBe(id);
});
