import { generateKeyPairSync } from 'node:crypto';
import path from 'node:path';
import createClient from 'openapi-fetch';
import { describe, expect, test } from 'vitest';
import { createSigningInterceptor, createSigningMiddleware, SignatureVerificationError, signRequest, verify, type SigningConfig } from '../../signing/index.ts';

// A signed Request must verify on the server side with the bytes that actually go on the wire.

const SECRET = 'zz-fetch-test-secret';
const T = 1744646400;
const ed = generateKeyPairSync('ed25519');

/** What a server sees: method, path, raw query, headers and the exact body bytes. */
async function serverVerify(scheme: string, request: Request, keys: { secret?: string; publicKey?: typeof ed.publicKey }, now = T) {
  const url = new URL(request.url);
  const body = new Uint8Array(await request.arrayBuffer());
  return { body, result: verify(scheme, { method: request.method, path: url.pathname, query: url.search.slice(1), headers: request.headers, body, now, ...keys }) };
}

function capture() {
  const seen: Request[] = [];
  const fetch = async (request: Request) => {
    seen.push(request);
    return new Response('{"ok":true}', { status: 200, headers: { 'content-type': 'application/json' } });
  };
  return { seen, fetch };
}

describe('signRequest', () => {
  test.each([
    { name: 'POST JSON', init: { method: 'POST', body: JSON.stringify({ note: 'café 🎁' }), headers: { 'content-type': 'application/json' } } },
    { name: 'POST binary', init: { method: 'POST', body: new Uint8Array([0, 255, 1, 254]) } },
    { name: 'GET', init: { method: 'GET' } },
    { name: 'DELETE without body', init: { method: 'DELETE' } },
  ])('$name: same bytes, verifiable', async ({ init }) => {
    const original = new Request('http://localhost:4100/api/v1/orders/?b=2&a=1&a=0&q=gift%20card', init as RequestInit);
    const sent = init.body === undefined ? new Uint8Array(0) : new Uint8Array(await original.clone().arrayBuffer());
    const signed = await signRequest(original, { scheme: 'starship-hmac-v1', secret: SECRET, now: () => T });
    expect(signed.method).toBe(init.method);
    expect(signed.url).toBe(original.url);
    const { body, result } = await serverVerify('starship-hmac-v1', signed, { secret: SECRET });
    expect(Buffer.from(body).equals(Buffer.from(sent))).toBe(true);
    expect(result.skewSeconds).toBe(0);
  });

  test('a tampered body is caught by the server', async () => {
    const signed = await signRequest(new Request('http://x/api/v1/orders', { method: 'POST', body: '{"a":1}' }), { scheme: 'starship-hmac-v1', secret: SECRET, now: () => T });
    const tampered = new Request(signed, { body: '{"a":2}' });
    await expect(serverVerify('starship-hmac-v1', tampered, { secret: SECRET })).rejects.toMatchObject({ code: 'signature_mismatch' });
  });
});

describe('openapi-fetch middleware', () => {
  interface paths {
    '/orders': { post: { parameters: { query?: { b?: string; a?: string } }; requestBody: { content: { 'application/json': { note: string; qty: number } } }; responses: { 200: { content: { 'application/json': { ok: boolean } } } } } };
    '/vouchers': { get: { parameters: { query?: { status?: string } }; responses: { 200: { content: { 'application/json': { ok: boolean } } } } } };
  }

  test.each<{ scheme: SigningConfig['scheme']; config: Partial<SigningConfig>; keys: { secret?: string; publicKey?: typeof ed.publicKey } }>([
    { scheme: 'starship-hmac-v1', config: { secret: SECRET, headers: { 'X-API-Key': 'pk_test' } }, keys: { secret: SECRET } },
    { scheme: 'starship-hmac-concat', config: { secret: SECRET }, keys: { secret: SECRET } },
    { scheme: 'sirgiving-hmac', config: { secret: SECRET, headers: { 'X-Partner-Key': 'sk_test_x' } }, keys: { secret: SECRET } },
    { scheme: 'odm-ed25519', config: { privateKey: ed.privateKey, headers: { 'X-API-Key': 'odm_test' } }, keys: { publicKey: ed.publicKey } },
  ])('$scheme: the captured request verifies with the serialized body', async ({ scheme, config, keys }) => {
    const { seen, fetch } = capture();
    const client = createClient<paths>({ baseUrl: 'http://localhost:4100/api/v1', fetch });
    client.use(createSigningMiddleware({ scheme, now: () => T, ...config }));
    const payload = { note: 'Zoë — 🎁', qty: 2 };
    const { data } = await client.POST('/orders', { body: payload, params: { query: { b: '2', a: 'x y' } } });
    expect(data).toEqual({ ok: true });
    expect(seen).toHaveLength(1);
    const request = seen[0]!;
    for (const [name, value] of Object.entries(config.headers ?? {})) expect(request.headers.get(name)).toBe(value);
    const { body } = await serverVerify(scheme, request, keys);
    expect(Buffer.from(body).toString('utf8')).toBe(JSON.stringify(payload));

    await client.GET('/vouchers', { params: { query: { status: 'active' } } });
    await serverVerify(scheme, seen[1]!, keys);
  });

  test('a misconfigured middleware fails when created, not on the first request', () => {
    expect(() => createSigningMiddleware({ scheme: 'starship-hmac-v1' })).toThrow(SignatureVerificationError);
    expect(() => createSigningMiddleware({ scheme: 'odm-ed25519', privateKey: 'nope' })).toThrow(/not a PEM/);
  });
});

describe('hey-api fetch client interceptor', () => {
  // @hey-api/openapi-ts 0.95 ships its fetch client runtime as TypeScript source in the package.
  const runtime = path.resolve('node_modules/@hey-api/openapi-ts/dist/clients/fetch/index.ts');
  interface HeyClient {
    interceptors: { request: { use(fn: (request: Request, options: unknown) => Request | Promise<Request>): number } };
    post(options: { url: string; body?: unknown; query?: Record<string, unknown> }): Promise<{ data?: unknown }>;
    get(options: { url: string; query?: Record<string, unknown> }): Promise<{ data?: unknown }>;
  }

  test.each<{ scheme: SigningConfig['scheme']; config: Partial<SigningConfig>; keys: { secret?: string; publicKey?: typeof ed.publicKey } }>([
    { scheme: 'starship-hmac-v1', config: { secret: SECRET }, keys: { secret: SECRET } },
    { scheme: 'odm-ed25519', config: { privateKey: ed.privateKey, headers: { 'X-API-Key': 'odm_test' } }, keys: { publicKey: ed.publicKey } },
  ])('$scheme: the request the client sends verifies', async ({ scheme, config, keys }) => {
    const { createClient: createHeyClient } = (await import(/* @vite-ignore */ runtime)) as { createClient(config: object): HeyClient };
    const { seen, fetch } = capture();
    const client = createHeyClient({ baseUrl: 'http://localhost:4103', fetch });
    client.interceptors.request.use(createSigningInterceptor({ scheme, now: () => T, ...config }));
    const payload = { voucher: 'vch_1', amount: 500 };
    await client.post({ url: '/partner/v1/vouchers', body: payload, query: { z: 1, a: 'é' } });
    const { body } = await serverVerify(scheme, seen[0]!, keys);
    expect(Buffer.from(body).toString('utf8')).toBe(JSON.stringify(payload));
    await client.get({ url: '/partner/v1/vouchers', query: { status: 'active' } });
    await serverVerify(scheme, seen[1]!, keys);
  });
});
