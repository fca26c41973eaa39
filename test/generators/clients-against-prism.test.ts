// Both generated client flavours, for each provider, against the Prism mocks: every GET operation
// and at least one write, with the auth, signing and idempotency the clients add on their own.
// Bodies are checked against the spec's response schema; the typed calls at the end compile only
// because the data is typed.
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleSpec } from '../../contracts/bundle.ts';
import { PROVIDERS } from '../../contracts/providers.ts';
import { createSchemaSet, formatAjvErrors } from '../../contracts/schemas.ts';
import * as istar from '../../generated/istar/index.ts';
import * as odm from '../../generated/odm/index.ts';
import * as sirgiving from '../../generated/sirgiving/index.ts';
import * as starship from '../../generated/starship/index.ts';
import { startMocks, type MockSet } from '../../mocks/prism.ts';
import type { Contract, ContractOperation } from '../../runtime/contract.ts';
import { exampleRequest, responseSchemaPointer } from '../../contracts/examples.ts';

const PORT_BASE = 4610;
const { privateKey: odmPrivateKey } = generateKeyPairSync('ed25519');
const odmPem = odmPrivateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

/** Per provider: its contract, its SDK module, and the two client factories for a base URL. */
const CLIENTS = {
  starship: {
    contract: starship.contract,
    sdk: starship.sdk as Record<string, any>,
    options: { credentials: { apiKey: 'pk_test_starship', apiSecret: 'sk_test_starship' }, signing: { secret: 'test-signing-secret' } },
    fetchClient: (url: string) => starship.createStarshipClient({ environment: url, ...CLIENTS.starship.options }),
    sdkClient: (url: string) => starship.createStarshipSdkClient({ environment: url, ...CLIENTS.starship.options }),
  },
  istar: {
    contract: istar.contract,
    sdk: istar.sdk as Record<string, any>,
    options: { credentials: { apiKey: 'istar_test_key' } },
    fetchClient: (url: string) => istar.createIStarClient({ environment: url, ...CLIENTS.istar.options }),
    sdkClient: (url: string) => istar.createIStarSdkClient({ environment: url, ...CLIENTS.istar.options }),
  },
  sirgiving: {
    contract: sirgiving.contract,
    sdk: sirgiving.sdk as Record<string, any>,
    options: { credentials: { partnerKey: `sk_test_${'a'.repeat(64)}`, adminBearer: 'admin-test-token' }, signing: { secret: 'b'.repeat(64) } },
    fetchClient: (url: string) => sirgiving.createSirGivingClient({ environment: url, ...CLIENTS.sirgiving.options }),
    sdkClient: (url: string) => sirgiving.createSirGivingSdkClient({ environment: url, ...CLIENTS.sirgiving.options }),
  },
  odm: {
    contract: odm.contract,
    sdk: odm.sdk as Record<string, any>,
    options: { credentials: { apiKey: 'odm_test_key' }, signing: { privateKey: odmPem } },
    fetchClient: (url: string) => odm.createOdmClient({ environment: url, ...CLIENTS.odm.options }),
    sdkClient: (url: string) => odm.createOdmSdkClient({ environment: url, ...CLIENTS.odm.options }),
  },
} as const;

let mocks: MockSet;
const urlOf = (provider: string) => mocks.mocks.find((m) => m.provider === provider)!.url;

beforeAll(async () => {
  mocks = await startMocks(PROVIDERS, { portBase: PORT_BASE });
}, 120_000);
afterAll(async () => {
  await mocks?.stop();
});

/** Every GET, plus the first write whose request example Prism accepts as is. */
function operationsToCall(contract: Contract): ContractOperation[] {
  const gets = contract.operations.filter((o) => o.method === 'get');
  const write = contract.operations.find((o) => o.method === 'post' && o.requestBody);
  return write ? [...gets, write] : gets;
}

const DOCS = Object.fromEntries(await Promise.all(PROVIDERS.map(async (p) => [p.id, await bundleSpec(p.specPath)] as const)));

describe.each(Object.keys(CLIENTS) as Array<keyof typeof CLIENTS>)('%s clients against Prism', (id) => {
  const entry = CLIENTS[id];
  const doc = DOCS[id]!;
  const schemas = createSchemaSet(doc);
  const ops = operationsToCall(entry.contract);

  const expectConforming = (op: ContractOperation, status: number, data: unknown) => {
    expect(status, `${op.operationId} answered ${status}`).toBeGreaterThanOrEqual(200);
    expect(status).toBeLessThan(300);
    const pointer = responseSchemaPointer(doc, op, status);
    if (!pointer) return;
    const validate = schemas.validatorAt(pointer);
    expect(validate(data), `${op.operationId}: ${formatAjvErrors(validate.errors).join('; ')}`).toBe(true);
  };

  it('calls at least one write operation', () => {
    expect(ops.some((o) => o.method !== 'get')).toBe(true);
    expect(ops.filter((o) => o.method === 'get').length).toBeGreaterThan(0);
  });

  it.each(ops.map((o) => [o.operationId, o] as const))('openapi-fetch: %s', async (_name, op) => {
    const client = entry.fetchClient(urlOf(id)) as any;
    const ex = exampleRequest(doc, op);
    const init: Record<string, unknown> = { params: { path: ex.path, query: ex.query, header: ex.header } };
    if (ex.body !== undefined) init.body = ex.body;
    const { data, error, response } = await client[op.method.toUpperCase()](op.path, init);
    expect(error, JSON.stringify(error)).toBeUndefined();
    expectConforming(op, response.status, data);
  });

  it.each(ops.map((o) => [o.operationId, o] as const))('hey-api SDK: %s', async (_name, op) => {
    const client = entry.sdkClient(urlOf(id));
    const ex = exampleRequest(doc, op);
    const fn = entry.sdk[op.operationId];
    expect(typeof fn, `sdk.${op.operationId}`).toBe('function');
    const args: Record<string, unknown> = { client, path: ex.path, query: ex.query, headers: ex.header };
    if (ex.body !== undefined) args.body = ex.body;
    const { data, error, response } = await fn(args);
    expect(error, JSON.stringify(error)).toBeUndefined();
    expectConforming(op, response.status, data);
  });
});

describe('typed data', () => {
  it('starship: products and an order, typed', async () => {
    const client = CLIENTS.starship.fetchClient(urlOf('starship'));
    const { data } = await client.GET('/products', { params: { query: { per_page: 50 } } });
    const names: string[] = (data?.data ?? []).map((p) => p.name);
    expect(names.length).toBeGreaterThan(0);
    const created = await client.POST('/orders', { body: { product_id: 'amazon-gift-500', quantity: 1 } });
    expect(created.response.status).toBeLessThan(300);
    expect(starship.idempotencyKeyOf(created.response)).toMatch(/^accord_/);
  });

  it('istar: the wallet balance, typed, through both flavours', async () => {
    const { data } = await CLIENTS.istar.fetchClient(urlOf('istar')).GET('/wallet/balance');
    const balance: number | undefined = data?.balance;
    expect(typeof balance).toBe('number');
    const viaSdk = await istar.sdk.getWalletBalance({ client: CLIENTS.istar.sdkClient(urlOf('istar')) });
    const currency: 'TON' | undefined = viaSdk.data?.currency;
    expect(currency).toBe('TON');
  });

  it('sirgiving: the partner config, typed', async () => {
    const { data } = await CLIENTS.sirgiving.fetchClient(urlOf('sirgiving')).GET('/partner/config');
    expect(data).toBeDefined();
  });

  it('odm: the API access record, typed', async () => {
    const { data } = await CLIENTS.odm.fetchClient(urlOf('odm')).GET('/partner/v1/access');
    expect(data).toBeDefined();
  });
});
