// `accord mock` answers an invalid request as the provider would (its envelope, its documented 400
// code), not with Prism's first 422 example or `{"error":{"code":"invalid_json"}}`; valid requests
// still get Prism's examples.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { getProvider } from '../../contracts/providers.ts';
import { startMocks, type MockSet } from '../../mocks/prism.ts';
import { freePort } from '../postman/newman.ts';

let mocks: MockSet;
let base: string;
beforeAll(async () => {
  mocks = await startMocks([getProvider('starship')], { portBase: await freePort() });
  base = mocks.mocks[0]!.url;
}, 90_000);
afterAll(async () => mocks?.stop());

const auth = { 'X-API-Key': 'pk_test', 'X-API-Secret': 'sk_test' };
const json = { ...auth, 'Content-Type': 'application/json' };
const idem = { 'Idempotency-Key': 'order-attempt-0001' };

it.each([
  { given: 'a missing Idempotency-Key', headers: json, body: '{"product_id":"amazon-gift-500","quantity":1}', status: 400, code: 'IDEMPOTENCY_KEY_MISSING' },
  { given: 'a missing required field', headers: { ...json, ...idem }, body: '{"product_id":"amazon-gift-500"}', status: 400, code: 'VALIDATION_ERROR' },
  { given: 'malformed JSON', headers: { ...json, ...idem }, body: '{"product_id":', status: 400, code: 'VALIDATION_ERROR' },
  { given: 'a too short Idempotency-Key', headers: { ...json, 'Idempotency-Key': 'short' }, body: '{"product_id":"amazon-gift-500","quantity":1}', status: 400, code: 'IDEMPOTENCY_KEY_INVALID' },
])("$given: $status $code in Starship's envelope", async ({ headers, body, status, code }) => {
  const res = await fetch(`${base}/orders`, { method: 'POST', headers, body });
  expect(res.status).toBe(status);
  const answer = await res.json();
  expect(answer).toEqual({ error: { name: expect.any(String), code, message: expect.any(String) } });
});

it("passes a valid request on to Prism and its example back", async () => {
  const res = await fetch(`${base}/orders`, { method: 'POST', headers: { ...json, ...idem }, body: '{"product_id":"amazon-gift-500","quantity":1}' });
  expect(res.status).toBe(201);
  expect(await res.json()).toMatchObject({ order_id: 'ord_01HX9QP0VEJTGCVWZH220B5ZKK', product_id: 'amazon-gift-500' });
  const list = await fetch(`${base}/products`, { headers: auth });
  expect(list.status).toBe(200);
});
