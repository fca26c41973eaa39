/// <reference path="../../node_modules/postman-collection/types/index.d.ts" />
// `accord postman`: the generated collections are valid Postman v2.1, hold one request per
// operation, and — run with newman against a real local sandbox — every request is signed the
// way the sandbox verifies and answers as expected, with no secret in newman's output. The
// pre-request script reproduces the staged signing vectors and signs exactly the bytes it sends.
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../cli/main.ts';
import { getProvider, PROVIDERS, REPO_ROOT, type ProviderId } from '../../contracts/providers.ts';
import { POSTMAN_CONFIG } from '../../postman/config.ts';
import { buildCollection, buildEnvironment, COLLECTION_SCHEMA, PLACEHOLDERS, secretValues, type GeneratedCollection } from '../../postman/index.ts';
import { ed25519Script } from '../../postman/ed25519.ts';
import { serveSandboxes } from '../../sandbox/serve.ts';
import { sortedQuery } from '../../signing/canonical.ts';
import { verify } from '../../signing/index.ts';
import { loadVectorFile } from '../../signing/vectors/run.ts';
import { freePort, isControlRead, locate, runNewman, type NewmanRun } from './newman.ts';

const require = createRequire(import.meta.url);
// postman-collection ships its types without naming them in package.json (the reference above loads them).
const { Collection, Item } = require('postman-collection') as typeof import('postman-collection');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-postman-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const generated = new Map<ProviderId, GeneratedCollection>();
beforeAll(async () => {
  for (const p of PROVIDERS) generated.set(p.id, await buildCollection(p));
}, 60_000);
const gen = (id: ProviderId) => generated.get(id)!;

// ---------------------------------------------------------------------------------------------
// The collection file

/**
 * accord's subset of the Postman collection format v2.1, stricter than the published schema
 * (which allows any extra property): every object closed, every field typed as the v2.1 schema
 * types it. The published JSON schema is not in node_modules (newman and postman-collection do
 * not ship it), so this subset is checked here and the file is also loaded with postman-collection.
 */
const description = { type: 'string' };
const kv = (extra: Record<string, object> = {}) => ({
  type: 'object',
  additionalProperties: false,
  required: ['key', 'value'],
  properties: { key: { type: 'string' }, value: { type: 'string' }, disabled: { type: 'boolean' }, description, ...extra },
});
const script = {
  type: 'object',
  additionalProperties: false,
  required: ['listen', 'script'],
  properties: {
    listen: { enum: ['prerequest', 'test'] },
    script: { type: 'object', additionalProperties: false, required: ['type', 'exec'], properties: { type: { const: 'text/javascript' }, exec: { type: 'array', items: { type: 'string' } } } },
  },
};
const request = {
  type: 'object',
  additionalProperties: false,
  required: ['method', 'header', 'url'],
  properties: {
    method: { enum: ['GET', 'PUT', 'POST', 'PATCH', 'DELETE'] },
    header: { type: 'array', items: kv() },
    url: {
      type: 'object',
      additionalProperties: false,
      required: ['raw', 'host', 'path'],
      properties: {
        raw: { type: 'string', pattern: '^\\{\\{baseUrl\\}\\}/' },
        host: { type: 'array', items: { type: 'string' } },
        path: { type: 'array', items: { type: 'string' } },
        query: { type: 'array', items: kv() },
        variable: { type: 'array', items: kv({ type: { const: 'string' } }) },
      },
    },
    body: {
      type: 'object',
      additionalProperties: false,
      required: ['mode', 'raw'],
      properties: {
        mode: { const: 'raw' },
        raw: { type: 'string' },
        options: { type: 'object', properties: { raw: { type: 'object', properties: { language: { enum: ['json', 'text'] } } } } },
      },
    },
    description,
  },
};
const COLLECTION_SUBSET = {
  type: 'object',
  additionalProperties: false,
  required: ['info', 'item'],
  properties: {
    info: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'schema', '_postman_id'],
      properties: { name: { type: 'string' }, _postman_id: { type: 'string', format: 'uuid' }, description, schema: { const: COLLECTION_SCHEMA }, version: { type: 'string' } },
    },
    event: { type: 'array', items: script },
    variable: { type: 'array', items: kv({ type: { const: 'string' } }) },
    item: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'item'],
        properties: {
          name: { type: 'string' },
          description,
          item: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['id', 'name', 'request'],
              properties: {
                id: { type: 'string', pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$' },
                name: { type: 'string' },
                request,
                event: { type: 'array', items: script },
                response: {
                  type: 'array',
                  items: {
                    type: 'object',
                    additionalProperties: false,
                    required: ['name', 'code', 'status', 'body'],
                    properties: {
                      name: { type: 'string' },
                      originalRequest: request,
                      status: { type: 'string' },
                      code: { type: 'integer' },
                      _postman_previewlanguage: { enum: ['json', 'text'] },
                      header: { type: 'array', items: kv() },
                      cookie: { type: 'array', maxItems: 0 },
                      body: { type: 'string' },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
};
const ajv = new Ajv({ allErrors: true, strict: true, formats: { uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/ } });
const validateSubset = ajv.compile(COLLECTION_SUBSET);

describe.each(PROVIDERS.map((p) => [p.id] as const))('%s collection', (id) => {
  it('is Postman v2.1: the strict subset validates and postman-collection loads it whole', () => {
    const { collection, contract } = gen(id);
    const json = JSON.parse(JSON.stringify(collection));
    expect(validateSubset(json), JSON.stringify(validateSubset.errors?.slice(0, 5), null, 2)).toBe(true);

    const loaded = new Collection(json);
    expect(Collection.isCollection(loaded)).toBe(true);
    const items: Array<{ id: string; method: string; path: string }> = [];
    // forEachItem (every request, folders walked) exists at runtime but is missing from the shipped types
    const walk = loaded as unknown as { forEachItem(cb: (item: InstanceType<typeof Item>) => void): void };
    walk.forEachItem((item) => items.push({ id: item.id, method: item.request.method, path: item.request.url.getPath(true) }));
    expect(items).toHaveLength(contract.operations.length);
    expect(items.map((i) => i.id).sort()).toEqual(gen(id).requests.map((r) => r.itemId).sort());
    expect(items.map((i) => `${i.method} ${i.path}`).sort()).toEqual(contract.operations.map((o) => `${o.method.toUpperCase()} ${o.path.replace(/\{([^}]+)\}/g, ':$1')}`).sort());
    const roundTrip = loaded.toJSON();
    expect(roundTrip.info?.schema).toBe(COLLECTION_SCHEMA);
    expect(roundTrip.event?.map((e: { listen: string }) => e.listen)).toEqual(['prerequest']);
  });

  it('has one request per operation, in folders by tag, with the spec examples and linked ids', () => {
    const { collection, contract, requests, links } = gen(id);
    const ops = contract.operations.map((o) => `${o.method.toUpperCase()} ${o.path}`).sort();
    expect(requests.map((r) => `${r.method} ${r.path}`).sort()).toEqual(ops);
    const folders = new Map(collection.item.map((f) => [f.name, f.item.map((i) => i.id)]));
    for (const op of contract.operations) {
      const r = requests.find((x) => x.operationId === op.operationId)!;
      const last = POSTMAN_CONFIG[id].lastFolder;
      expect(folders.get(last?.operations.includes(op.operationId) ? last.name : op.tags[0]!), op.operationId).toContain(r.itemId);
      const item = collection.item.flatMap((f) => f.item).find((i) => i.id === r.itemId)!;
      expect(item.request.url.path.join('/')).toBe(op.path.slice(1).replace(/\{([^}]+)\}/g, ':$1'));
      // every path parameter has its example (or a linked variable whose initial value is the example)
      for (const v of item.request.url.variable ?? []) {
        const m = /^\{\{(.+)\}\}$/.exec(v.value);
        expect(m ? links[m[1]!] : v.value, `${op.operationId} :${v.key}`).toMatch(/\S/);
        expect(v.value).not.toMatch(/^</);
      }
      if (op.requestBody?.required) expect(item.request.body?.raw, op.operationId).toBeTruthy();
      const header = (name: string) => item.request.header.find((h) => h.key.toLowerCase() === name.toLowerCase() && !h.disabled)?.value;
      expect(header('Idempotency-Key'), op.operationId).toBe(op.idempotency ? PLACEHOLDERS.idempotencyKey : undefined);
      expect(header('X-Signature'), op.operationId).toBe(op.signing === 'none' ? undefined : PLACEHOLDERS.signature);
      expect(r.signed).toBe(op.signing !== 'none');
    }
    // the spec's request examples made it into the bodies (spot check: every body is valid JSON once linked ids are filled)
    for (const item of collection.item.flatMap((f) => f.item)) {
      if (!item.request.body) continue;
      const filled = item.request.body.raw.replace(/\{\{([^}]+)\}\}/g, (_m, k: string) => links[k] ?? 'x');
      expect(() => JSON.parse(filled), item.name).not.toThrow();
    }
    // no credential is ever stored in the collection
    const vars = collection.variable.map((v) => v.key);
    for (const c of ['apiKey', 'apiSecret', 'signingSecret', 'partnerKey', 'adminBearer', 'privateKey', 'merchantApiKey', 'merchantPrivateKey']) expect(vars).not.toContain(c);
  });
});

it('links ids from earlier responses to later requests (create, then read what was created)', () => {
  expect(gen('starship').links).toMatchObject({ order_id: 'ord_01HX9QP0VEJTGCVWZH220B5ZKK', payout_id: 'po_01HX91A6WM14F9BHBKXF4GNQZ6', webhook_id: 'wh_01HX9TVKQENF8ZDGN9VBT5SNGY' });
  expect(gen('odm').links).toMatchObject({ voucherId: 'vch_01KDXQ7M3E9RZ4T6W8Y2B5C1NF', validationId: 'val_01KE0B4G7H2J9K3M5N8P1Q6R4S', claimId: 'clm_01KE0B6Z1X3V5T7R9P2N4M6K8J', code: '7KQ2-M9XD-4HTP-2WVA' });
  const claim = gen('odm').collection.item.flatMap((f) => f.item).find((i) => i.request.method === 'POST' && i.request.url.path.join('/') === 'merchant/v1/claims')!;
  expect(JSON.parse(claim.request.body!.raw).validation_id).toBe('{{validationId}}');
  const capture = gen('starship').collection.item.flatMap((f) => f.item).find((i) => i.request.method === 'POST' && i.request.url.path.join('/') === 'orders')!;
  expect(capture.event![0]!.script.exec.join('\n')).toContain(`pm.collectionVariables.set("order_id", String(body["order_id"]))`);
  // iStar's examples carry no id a later request uses
  expect(gen('istar').links).toEqual({});
});

// ---------------------------------------------------------------------------------------------
// Running each collection against its sandbox

/** Values a response hands out that are secrets too (SIR Giving's generated and rotated key pairs). */
function secretsInResponses(run: NewmanRun): string[] {
  const out: string[] = [];
  for (const e of run.summary.run.executions) {
    let body: unknown;
    try {
      body = JSON.parse(e.response?.stream?.toString('utf8') ?? '');
    } catch {
      continue;
    }
    if (body && typeof body === 'object') for (const k of ['secretKey', 'hmacSecret']) if (typeof (body as Record<string, unknown>)[k] === 'string') out.push((body as Record<string, string>)[k]!);
  }
  return out;
}

/** Secret-looking fragments of a value: the value, and for a PEM its base64 body (a key printed without its armour). */
const fragments = (secret: string) => [secret, ...(secret.includes('-----BEGIN') ? [secret.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '')] : [])];

describe.each(PROVIDERS.map((p) => [p.id] as const))('%s run with newman against a local sandbox', (id) => {
  let run: NewmanRun;
  let secrets: string[];
  let sandboxCredentials: Record<string, any>;
  const sandboxHits: string[] = [];

  beforeAll(async () => {
    const provider = getProvider(id);
    const port = await freePort();
    const running = await serveSandboxes([provider], { portBase: port - provider.portOffset });
    try {
      const sandbox = running.sandboxes[0]!;
      sandbox.server.on('request', (req: http.IncomingMessage) => sandboxHits.push(`${req.method} ${req.url}`));
      sandboxCredentials = sandbox.instance.credentials;
      const environment = buildEnvironment(gen(id), 'accord-sandbox', { baseUrl: sandbox.baseUrl, fill: sandbox.instance.credentials });
      // the debug log (canonical strings) is on, so the console check below has something to check
      environment.values.push({ key: 'accordDebug', value: 'true', type: 'default', enabled: true });
      secrets = secretValues(gen(id), sandbox.instance.credentials);
      run = await runNewman({ collection: gen(id).collection, environment }, dir);
    } finally {
      await running.stop();
    }
  }, 120_000);

  it("runs every request once, each answering its operation's success status or the flow's declared one (postman/config.ts)", () => {
    const { requests } = gen(id);
    const expected = POSTMAN_CONFIG[id].expected ?? {};
    expect(new Set(run.summary.run.executions.map((e) => e.item.id)).size).toBe(requests.length);
    expect(run.summary.run.executions).toHaveLength(requests.length + (POSTMAN_CONFIG[id].outOfBand?.length ?? 0));
    // plus one control-API read per out-of-band value (ODM's OTP after validateVoucher)
    expect(sandboxHits.filter((h) => !h.startsWith('GET /_accord/'))).toHaveLength(requests.length);
    expect(sandboxHits.filter((h) => h.startsWith('GET /_accord/'))).toHaveLength(POSTMAN_CONFIG[id].outOfBand?.length ?? 0);
    const outcome: Record<string, number | undefined> = {};
    for (const r of requests) {
      const e = run.byItem.get(r.itemId);
      const status = e?.response?.code;
      outcome[r.operationId] = status;
      const declared = expected[r.operationId];
      if (declared) {
        expect(status, `${r.operationId}: ${declared.why}`).toBe(declared.status);
        expect(JSON.parse(e!.response!.stream!.toString('utf8')), r.operationId).toSatisfy((b: unknown) => JSON.stringify(b).includes(`"${declared.code}"`));
      } else {
        expect(status, `${r.operationId} answered ${status}: ${e?.response?.stream?.toString('utf8').slice(0, 300)}`).toBeGreaterThanOrEqual(200);
        expect(status, r.operationId).toBeLessThan(300);
      }
    }
    // every exception names a real operation
    for (const op of Object.keys(expected)) expect(requests.map((r) => r.operationId)).toContain(op);
    if (id === 'odm') {
      // the redemption flow runs on the issued voucher before it is cancelled
      const order = requests.map((r) => r.operationId);
      expect(order.indexOf('validateVoucher')).toBeLessThan(order.indexOf('createClaim'));
      expect(order.indexOf('createClaim')).toBeLessThan(order.indexOf('cancelVoucher'));
      expect(order.at(-1)).toBe('cancelVoucher');
      expect(outcome).toMatchObject({ issueVoucher: 201, validateVoucher: 200, createClaim: 201, getClaim: 200, cancelVoucher: 200 });
    }
    // the per-request checks (documented status) and the scripts all passed
    expect(run.summary.run.failures.map((f) => `${f.source?.name}: ${f.error.message}`)).toEqual([]);
    expect(run.summary.run.stats.assertions!.total).toBe(requests.length);
  });

  it('signs every request the spec signs, and sends a fresh UUID Idempotency-Key where the operation takes one', () => {
    const { requests, scriptConfig } = gen(id);
    const keys = new Set<string>();
    for (const r of requests) {
      const execution = run.byItem.get(r.itemId)!;
      // newman shows the script's control-API read as this item's request (see newman.ts): the sandbox's 200 proved the signature
      if (isControlRead(execution)) continue;
      const headers = execution.request.headers;
      const signature = headers.get('X-Signature');
      if (!r.signed) expect(signature, r.operationId).toBeUndefined();
      else if (id === 'starship') expect(signature, r.operationId).toMatch(/^t=\d{10},v1=[0-9a-f]{64}$/);
      else if (id === 'sirgiving') expect(signature, r.operationId).toMatch(/^[0-9a-f]{64}$/);
      else expect(signature, r.operationId).toMatch(/^[A-Za-z0-9+/]{86}==$/);
      if (r.signed && scriptConfig.schemes[scriptConfig.defaultScheme!]!.timestampHeader) expect(headers.get('X-Timestamp'), r.operationId).toMatch(/^\d{10}$/);
      const key = headers.get('Idempotency-Key');
      if (r.idempotency) {
        expect(key, r.operationId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        keys.add(key!);
      } else expect(key, r.operationId).toBeUndefined();
    }
    expect(keys.size).toBe(requests.filter((r) => r.idempotency).length);
    expect(requests.some((r) => r.signed)).toBe(scriptConfig.defaultScheme !== null);
    // iStar allows 1 request per second: the script paces the run (a 429 would have failed the run above)
    expect(scriptConfig.minIntervalMs).toBe(id === 'istar' ? 1100 : 0);
  });

  it("puts no secret in newman's cli output, junit report or console, and in its json report only where newman copies the environment and the credential headers", () => {
    const all = [...secrets, ...secretsInResponses(run)];
    expect(secrets.length).toBeGreaterThan(0);
    if (id === 'sirgiving') expect(all.length).toBeGreaterThan(secrets.length); // the generated key pair's sk_ key and HMAC secret
    expect(run.cli).toContain('┌'); // the cli reporter's summary table was captured
    expect(run.junit).toContain('<testsuites');
    const signedCount = gen(id).requests.filter((r) => r.signed).length;
    expect(run.console.filter((m) => m.startsWith('accord canonical'))).toHaveLength(signedCount);
    const failures = run.summary.run.failures.map((f) => f.error.message).join('\n');
    for (const secret of all) {
      for (const fragment of fragments(secret)) {
        expect(run.cli.includes(fragment), 'cli reporter output').toBe(false);
        expect(run.junit.includes(fragment), 'junit report').toBe(false);
        expect(run.console.join('\n').includes(fragment), 'script console').toBe(false);
        expect(failures.includes(fragment), 'failure messages').toBe(false);
      }
    }
    // newman's json reporter serializes the environment and each request as sent, credential
    // headers included (newman has no redaction): signing keys, never sent, appear only in the
    // environment; sent credentials only there and in their own header.
    const sentHeaders = new Set(gen(id).contract.auth.filter((a) => !a.computed).map((a) => a.header.toLowerCase()));
    for (const secret of secrets) expect(locate(run.json, secret).some((w) => /^environment\.values\.\d+\.value$/.test(w)), 'the environment is in the json report').toBe(true);
    const at = (where: string) => where.split('.').reduce((node: any, k) => node?.[k], run.json);
    for (const secret of secrets) {
      for (const where of locate(run.json, secret)) {
        if (/^environment\.values\.\d+\.value$/.test(where)) continue;
        const header = /^run\.executions\.\d+\.request\.header\.\d+\.value$/.test(where) ? at(where.replace(/\.value$/, '.key')) : undefined;
        expect(typeof header === 'string' && sentHeaders.has(header.toLowerCase()), `a secret at ${where}`).toBe(true);
      }
    }
    const signingKeys = ['signingSecret', 'privateKey', 'merchantPrivateKey']
      .map((v) => run.json.environment.values.find((x: { key: string }) => x.key === v)?.value)
      .filter((v): v is string => Boolean(v));
    for (const key of signingKeys) for (const f of fragments(key)) expect(locate(run.json, f).every((w) => /^environment\.values\.\d+\.value$/.test(w)), 'a signing key outside the environment').toBe(true);
    if (id !== 'istar') expect(signingKeys.length).toBeGreaterThan(0);
    void sandboxCredentials;
  });
});

// ---------------------------------------------------------------------------------------------
// Credential variants and a missing key

describe('Starship credentials without HMAC and with the legacy recipe', () => {
  it('sends unsigned requests for a credential without HMAC, and starship-hmac-concat with X-Timestamp for a legacy one', async () => {
    const provider = getProvider('starship');
    const port = await freePort();
    const running = await serveSandboxes([provider], { portBase: port - provider.portOffset });
    try {
      const sandbox = running.sandboxes[0]!;
      const creds = sandbox.instance.credentials;
      const base = (fill: Record<string, any>) => buildEnvironment(gen('starship'), 'accord-sandbox', { baseUrl: sandbox.baseUrl, fill });
      const unsigned = await runNewman({ collection: gen('starship').collection, environment: base({ default: creds.unsigned }), folder: 'catalog' }, dir);
      const legacy = await runNewman({ collection: gen('starship').collection, environment: base({ default: creds.legacy_concat }), folder: 'catalog' }, dir);
      for (const [name, run] of [['unsigned', unsigned], ['legacy', legacy]] as const) {
        expect(run.summary.run.executions, name).toHaveLength(3);
        expect(run.summary.run.failures, name).toEqual([]);
        for (const e of run.summary.run.executions) expect(e.response?.code, `${name} ${e.item.name}`).toBe(200);
      }
      for (const e of unsigned.summary.run.executions) expect(e.request.headers.has('X-Signature')).toBe(false);
      for (const e of legacy.summary.run.executions) {
        const ts = e.request.headers.get('X-Timestamp');
        expect(ts).toMatch(/^\d{10}$/);
        expect(e.request.headers.get('X-Signature')).toMatch(new RegExp(`^t=${ts},v1=[0-9a-f]{64}$`));
      }
    } finally {
      await running.stop();
    }
  }, 60_000);
});

describe('a run with missing credentials fails (newman exits non-zero)', () => {
  // Before, each request's only test was "a status the spec documents": 401 is documented, so a
  // run whose every request was refused passed. Now each test expects its operation's success status.
  const newmanBin = path.join(REPO_ROOT, 'node_modules', 'newman', 'bin', 'newman.js');
  it.each(PROVIDERS.map((p) => ({ id: p.id })))('$id: empty credential variables', async ({ id }) => {
    const provider = getProvider(id);
    const port = await freePort();
    const running = await serveSandboxes([provider], { portBase: port - provider.portOffset });
    try {
      const sandbox = running.sandboxes[0]!;
      const folder = fs.mkdtempSync(path.join(dir, `empty-${id}-`));
      const collectionFile = path.join(folder, 'collection.json');
      const environmentFile = path.join(folder, 'environment.json');
      fs.writeFileSync(collectionFile, JSON.stringify(gen(id).collection));
      fs.writeFileSync(environmentFile, JSON.stringify(buildEnvironment(gen(id), 'accord-sandbox', { baseUrl: sandbox.baseUrl })));
      // a child process, asynchronously: the sandbox answers from this process's event loop
      const r = await new Promise<{ status: number; stdout: string }>((resolve) =>
        execFile(process.execPath, [newmanBin, 'run', collectionFile, '-e', environmentFile, '--reporters', 'cli', '--bail', 'failure', '--color', 'off', '--disable-unicode'], { encoding: 'utf8', timeout: 90_000 }, (err, stdout) =>
          resolve({ status: err ? Number((err as { code?: number }).code ?? -1) : 0, stdout }),
        ),
      );
      expect(r.status, r.stdout.slice(-2000)).toBe(1);
      // the first request is refused (or, for ODM, not sent without its key) and its test says so
      expect(r.stdout).toMatch(id === 'odm' ? /privateKey is empty/ : /HTTP 401/);
    } finally {
      await running.stop();
    }
  }, 120_000);
});

describe('a collection whose every request must be signed, without the key', () => {
  it('skips the request and fails a check naming the variable (no unsigned or fake signature goes out)', async () => {
    const hits: string[] = [];
    const server = http.createServer((req, res) => {
      hits.push(req.url ?? '');
      res.end('{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      const environment = buildEnvironment(gen('odm'), 'accord-sandbox', { baseUrl, fill: { default: { description: '', credentials: { apiKey: 'odm_test_partner_key' } } } });
      const run = await runNewman({ collection: gen('odm').collection, environment, folder: 'partner-access' }, dir);
      expect(hits).toEqual([]);
      expect(run.summary.run.executions.every((e) => e.response === undefined)).toBe(true);
      expect(run.summary.run.failures.map((f) => f.error.message)).toEqual(['privateKey is empty: odm-ed25519 signs every request; set privateKey in the environment']);
    } finally {
      server.close();
    }
  }, 60_000);
});

// ---------------------------------------------------------------------------------------------
// The pre-request script against the signing vectors, and the bytes it sends

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

async function echoServer(): Promise<{ url: string; received: Map<string, Received>; close(): Promise<void> }> {
  const received = new Map<string, Received>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.set(String(req.headers['x-case']), { method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    received,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

interface Case {
  name: string;
  method: string;
  /** After {{echo}}. */
  url: string;
  body?: string;
  language?: 'json' | 'text';
  /** Query parameters shown in Postman but disabled (not sent). */
  disabledQuery?: Array<{ key: string; value: string }>;
  pathVariables?: Array<{ key: string; value: string }>;
  /** Local variables the test sets before the signer runs (keys, fixed timestamp, scheme). */
  vars: Record<string, string>;
  identityHeader: string;
  identityVariable: string;
  signatureHeaders: string[];
  /** Headers the request must carry (a worked example's published signature). */
  expected?: Record<string, string>;
}

/** A collection of cases run through the provider's generated pre-request script, unchanged. */
function caseCollection(g: GeneratedCollection, cases: Case[]): object {
  const setup = [
    '// test harness: per-request keys and timestamp, as local variables, before the generated script',
    `var CASES = ${JSON.stringify(Object.fromEntries(cases.map((c) => [c.name, c.vars])))};`,
    'var mine = CASES[pm.info.requestName] || {};',
    'Object.keys(mine).forEach(function (k) { pm.variables.set(k, mine[k]); });',
  ];
  return {
    info: { name: `${g.provider.id} signing cases`, schema: COLLECTION_SCHEMA },
    variable: [{ key: 'ref', value: 'ref-from-a-collection-variable' }],
    event: [{ listen: 'prerequest', script: { type: 'text/javascript', exec: [...setup, ...g.collection.event[0]!.script.exec] } }],
    item: cases.map((c) => {
      const [pathPart, queryPart] = c.url.split(/\?(.*)/s) as [string, string | undefined];
      const query = [
        ...(queryPart ?? '').split('&').filter((x) => x !== '').map((pair) => {
          const eq = pair.indexOf('=');
          return eq === -1 ? { key: pair, value: null } : { key: pair.slice(0, eq), value: pair.slice(eq + 1) };
        }),
        ...(c.disabledQuery ?? []).map((q) => ({ ...q, disabled: true })),
      ];
      return {
        name: c.name,
        request: {
          method: c.method,
          header: [
            { key: 'X-Case', value: c.name },
            { key: c.identityHeader, value: `{{${c.identityVariable}}}` },
            ...c.signatureHeaders.map((h) => ({ key: h, value: h === 'X-Signature' ? PLACEHOLDERS.signature : PLACEHOLDERS.timestamp })),
          ],
          url: { raw: `{{echo}}${c.url}`, host: ['{{echo}}'], path: pathPart.split('/').slice(1), query, ...(c.pathVariables ? { variable: c.pathVariables } : {}) },
          ...(c.body !== undefined ? { body: { mode: 'raw', raw: c.body, options: { raw: { language: c.language ?? 'text' } } } } : {}),
        },
      };
    }),
  };
}

/** The worked examples the specs publish (info / security scheme descriptions), with their keys. */
function workedExamples(schemeId: string): Array<Pick<Case, 'name' | 'method' | 'url' | 'body' | 'expected' | 'vars'>> {
  if (schemeId === 'starship-hmac-v1') {
    return [
      {
        name: 'worked example: GET /products',
        method: 'GET',
        url: '/api/v1/products?per_page=50&category_id=1',
        vars: { signingSecret: 'your_signing_secret', accordFixedTimestamp: '1744646400' },
        expected: { 'X-Signature': 't=1744646400,v1=24aae34ac0f50830d73dee87840802836f724951b2ec2693dbd321207f2cac3f' },
      },
    ];
  }
  if (schemeId === 'odm-ed25519') {
    // key: the RFC 8032 test-vector-1 seed, given as hex (the script also takes PEM and base64)
    const vars = { privateKey: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', accordFixedTimestamp: '1767225600' };
    return [
      {
        name: 'worked example: POST /partner/v1/vouchers',
        method: 'POST',
        url: '/partner/v1/vouchers',
        body: '{"amount":50000,"currency":"USD","owner":{"phone":"+12025550143","name":"Dana Lee"},"reference":"campaign-2026-001","expires_at":"2026-12-31T23:59:59Z"}',
        vars,
        expected: { 'X-Timestamp': '1767225600', 'X-Signature': 'hzoq+XHoa7Xuo5JAyF9/gozZ29JwxUNqM336VQQ+QnqfvWWZdTcoHNDci8elplV6y7gZw/49IrmA+BISfbCGBw==' },
      },
      {
        name: 'worked example: GET /partner/v1/vouchers with a query',
        method: 'GET',
        url: '/partner/v1/vouchers?status=active&page=2&per_page=20',
        vars,
        expected: { 'X-Signature': 'S6SY/zO98Hj7lGTUybTiZWnZ1miIA5U7ngOFazWkpxTkOQB0luWpgIhnUMOkYzd0IDJlCiXTlnDb+47pPD98Cw==' },
      },
    ];
  }
  return [];
}

const REQUEST_SCHEMES = [
  { provider: 'starship', scheme: 'starship-hmac-v1', keyVariable: 'signingSecret', identity: ['X-API-Key', 'apiKey'], headers: ['X-Signature'] },
  { provider: 'starship', scheme: 'starship-hmac-concat', keyVariable: 'apiSecret', identity: ['X-API-Key', 'apiKey'], headers: ['X-Signature'] },
  { provider: 'sirgiving', scheme: 'sirgiving-hmac', keyVariable: 'signingSecret', identity: ['X-Partner-Key', 'partnerKey'], headers: ['X-Signature', 'X-Timestamp'] },
  { provider: 'odm', scheme: 'odm-ed25519', keyVariable: 'privateKey', identity: ['X-API-Key', 'apiKey'], headers: ['X-Signature', 'X-Timestamp'] },
] as const;

describe.each(REQUEST_SCHEMES.map((s) => [s.scheme, s] as const))('the %s pre-request script', (schemeId, s) => {
  let echo: Awaited<ReturnType<typeof echoServer>>;
  let run: NewmanRun;
  const file = loadVectorFile(schemeId);
  // Postman raw bodies are text: the vector with a non-UTF-8 body cannot be expressed in a collection.
  const vectors = file.positive.filter((v) => v.input.body !== undefined);
  const ed = generateKeyPairSync('ed25519');
  const key = s.keyVariable === 'privateKey' ? (ed.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string) : 'tricky-case-secret-0123456789abcdef';
  const base = { identityHeader: s.identity[0], identityVariable: s.identity[1], signatureHeaders: [...s.headers] };
  const schemeVar: Record<string, string> = s.provider === 'starship' ? { signingScheme: schemeId } : {};
  // local variables last the whole run in newman: the cases after the vectors reset the fixed timestamp
  const now = { accordFixedTimestamp: '' };
  const cases: Case[] = [
    ...vectors.map((v) => ({
      ...base,
      name: `vector ${v.id}`,
      method: v.input.method,
      url: v.input.path + (v.input.query ? `?${v.input.query}` : ''),
      ...(v.input.body ? { body: v.input.body } : {}),
      vars: {
        ...schemeVar,
        [s.identity[1]]: v.input.headers[s.identity[0]] ?? 'identity',
        [s.keyVariable]: v.input.secret ?? v.input.private_key_pem!,
        accordFixedTimestamp: String(v.input.timestamp),
      },
    })),
    // Beyond the vectors: what Postman users type. Verified below with accord's engine against the raw request as received.
    { ...base, name: 'encoding', method: 'GET', url: "/api/v1/items/:item?q=gift card&name=café&quote=it's&b=[x]&a=2&a=1&e=", pathVariables: [{ key: 'item', value: 'ord 7/é' }], vars: { ...schemeVar, ...now, [s.keyVariable]: key, [s.identity[1]]: 'id' } },
    { ...base, name: 'dynamic variables', method: 'POST', url: '/api/v1/orders?n={{$randomInt}}', body: '{"id":"{{$guid}}","ref":"{{ref}}","note":"Zoë 🎁"}', language: 'json', vars: { ...schemeVar, ...now, [s.keyVariable]: key, [s.identity[1]]: 'id' } },
    {
      ...base,
      name: 'json comments',
      method: 'POST',
      url: '/api/v1/orders',
      body: '{\n  // a line comment\n  "url": "https://hooks.example.test//x", /* a block comment */ "n": 1\n}',
      language: 'json',
      vars: { ...schemeVar, ...now, [s.keyVariable]: key, [s.identity[1]]: 'id' },
    },
    ...workedExamples(schemeId).map((w) => ({ ...base, ...w, vars: { ...schemeVar, [s.identity[1]]: 'id', ...w.vars } })),
    { ...base, name: 'disabled query parameter', method: 'GET', url: '/api/v1/orders?page=2', disabledQuery: [{ key: 'status', value: 'x' }], vars: { ...schemeVar, ...now, [s.keyVariable]: key, [s.identity[1]]: 'id' } },
  ];

  beforeAll(async () => {
    echo = await echoServer();
    const g = gen(s.provider);
    run = await runNewman({ collection: caseCollection(g, cases), environment: { values: [{ key: 'echo', value: echo.url, type: 'default', enabled: true }] } }, dir);
  }, 120_000);
  afterAll(() => echo?.close());

  it(`reproduces every text-body positive vector byte for byte (${vectors.length} of ${file.positive.length})`, () => {
    expect(run.summary.run.failures).toEqual([]);
    expect(vectors.length).toBe(file.positive.length - 1);
    for (const v of vectors) {
      const got = echo.received.get(`vector ${v.id}`);
      expect(got, v.id).toBeDefined();
      for (const h of s.headers) expect(got!.headers[h.toLowerCase()], `${v.id} ${h}`).toBe(v.headers[h]);
      if (schemeId === 'starship-hmac-concat') expect(got!.headers['x-timestamp'], v.id).toBe(String(v.input.timestamp));
      const [pathSent, querySent = ''] = got!.url.split(/\?(.*)/s);
      expect(pathSent, v.id).toBe(v.input.path);
      expect(sortedQuery(querySent), v.id).toBe(sortedQuery(v.input.query));
      expect(got!.body, v.id).toBe(v.input.body);
      expect(got!.method, v.id).toBe(v.input.method.toUpperCase());
    }
  });

  it("reproduces the spec's worked examples", () => {
    const worked = cases.filter((c) => c.expected);
    expect(worked.length).toBe(schemeId === 'starship-hmac-v1' ? 1 : schemeId === 'odm-ed25519' ? 2 : 0);
    for (const c of worked) for (const [h, v] of Object.entries(c.expected!)) expect(echo.received.get(c.name)?.headers[h.toLowerCase()], `${c.name} ${h}`).toBe(v);
  });

  it('signs exactly what it sends: encoded URLs, dynamic variables, JSON comments, disabled parameters', () => {
    const extra = cases.filter((c) => !c.name.startsWith('vector ') && !c.expected);
    for (const c of extra) {
      const got = echo.received.get(c.name)!;
      expect(got, c.name).toBeDefined();
      const [pathSent, querySent = ''] = got.url.split(/\?(.*)/s) as [string, string | undefined];
      const keyInput = s.keyVariable === 'privateKey' ? { publicKey: ed.publicKey.export({ type: 'spki', format: 'pem' }) as string } : { secret: key };
      const result = verify(schemeId, { method: got.method, path: pathSent, query: querySent, body: got.body, headers: got.headers as Record<string, string>, ...keyInput });
      expect(result, c.name).toBeTruthy();
      expect(got.url + got.body, c.name).not.toContain('{{');
    }
    const encoding = echo.received.get('encoding')!;
    expect(encoding.url).toBe("/api/v1/items/ord%207/%C3%A9?q=gift%20card&name=caf%C3%A9&quote=it%27s&b=%5Bx%5D&a=2&a=1&e=");
    expect(JSON.parse(echo.received.get('dynamic variables')!.body)).toMatchObject({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), ref: 'ref-from-a-collection-variable' });
    expect(echo.received.get('json comments')!.body).toBe('{\n  \n  "url": "https://hooks.example.test//x",  "n": 1\n}');
    expect(echo.received.get('disabled query parameter')!.url).toBe('/api/v1/orders?page=2');
  });
});

it('the script bundles TweetNaCl from npm, not a hand-written curve', () => {
  const script = ed25519Script();
  expect(script).toContain(fs.readFileSync(path.join(REPO_ROOT, 'node_modules', 'tweetnacl', 'nacl-fast.min.js'), 'utf8').trim());
  expect(script).toMatch(/^\s*\/\/ tweetnacl 1\.0\.3 /m);
  expect(script).not.toMatch(/BigInt\(/);
});

it("the Ed25519 library reproduces RFC 8032's test vectors 1-3 inside newman's sandbox", async () => {
  const RFC = [
    ['9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', '', 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b'],
    ['4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb', '72', '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00'],
    ['c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7', 'af82', '6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a'],
  ];
  const exec = [
    ...ed25519Script().split('\n'),
    `var RFC = ${JSON.stringify(RFC)};`,
    'var hex = function (h) { var out = []; for (var i = 0; i < h.length; i += 2) out.push(parseInt(h.slice(i, i + 2), 16)); return out; };',
    "var toHex = function (bytes) { return bytes.map(function (b) { return (b < 16 ? '0' : '') + b.toString(16); }).join(''); };",
    "console.log(JSON.stringify(RFC.map(function (t) { return toHex(accordEd25519.sign(accordEd25519.seedFromKeyText(t[0]), hex(t[1]))); })));",
    'pm.execution.skipRequest();',
  ];
  const run = await runNewman({ collection: { info: { name: 'rfc8032', schema: COLLECTION_SCHEMA }, event: [{ listen: 'prerequest', script: { type: 'text/javascript', exec } }], item: [{ name: 'x', request: { method: 'GET', url: 'http://127.0.0.1:9/' } }] } }, dir);
  expect(JSON.parse(run.console[0]!)).toEqual(RFC.map((t) => t[2]));
}, 60_000);

// ---------------------------------------------------------------------------------------------
// The command

async function accord(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => ((stderr += String(chunk)), true));
  process.exitCode = undefined;
  try {
    return { code: await main(['node', 'accord', ...args]), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = undefined;
  }
}

describe('accord postman', () => {
  it('writes the collection and one environment per server, credential values empty', async () => {
    const out = path.join(dir, 'cli');
    const r = await accord(['postman', 'odm', 'istar', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('odm: 9 requests in 4 folders, 9 signed (odm-ed25519)');
    expect(r.stdout).toContain('istar: 6 requests in 3 folders, 0 signed (no request signing)');
    expect(fs.readdirSync(out).sort()).toEqual(
      [
        'istar.accord-mock.postman_environment.json',
        'istar.accord-sandbox.postman_environment.json',
        'istar.postman_collection.json',
        'istar.production.postman_environment.json',
        'istar.sandbox.postman_environment.json',
        'odm.accord-mock.postman_environment.json',
        'odm.accord-sandbox.postman_environment.json',
        'odm.postman_collection.json',
        'odm.production.postman_environment.json',
      ].sort(),
    );
    const env = JSON.parse(fs.readFileSync(path.join(out, 'odm.production.postman_environment.json'), 'utf8'));
    expect(env.values.map((v: { key: string; value: string; type: string }) => [v.key, v.value, v.type])).toEqual([
      ['baseUrl', 'https://gateway.odm.invalid', 'default'],
      ['apiKey', '', 'secret'],
      ['privateKey', '', 'secret'],
      ['merchantApiKey', '', 'secret'],
      ['merchantPrivateKey', '', 'secret'],
      ['accordControlUrl', '', 'default'], // production has no control API: the user types the OTP
    ]);
    const local = JSON.parse(fs.readFileSync(path.join(out, 'odm.accord-sandbox.postman_environment.json'), 'utf8'));
    expect(local.values.find((v: { key: string }) => v.key === 'accordControlUrl')?.value).toMatch(/^http:\/\/(localhost|127\.0\.0\.1):4103\/_accord$/);
    // regenerating gives the same bytes (stable ids, no timestamps)
    const before = fs.readFileSync(path.join(out, 'odm.postman_collection.json'), 'utf8');
    expect((await accord(['postman', 'odm', '--out', out])).code).toBe(0);
    expect(fs.readFileSync(path.join(out, 'odm.postman_collection.json'), 'utf8')).toBe(before);
  }, 60_000);

  it('fills the local sandbox environment from a credentials file (mode 0600) and prints no secret', async () => {
    const provider = getProvider('sirgiving');
    const port = await freePort();
    const credentialsFile = path.join(dir, 'credentials.json');
    const running = await serveSandboxes([provider], { portBase: port - provider.portOffset, credentialsFile });
    try {
      const out = path.join(dir, 'cli-creds');
      const r = await accord(['postman', 'sirgiving', '--out', out, '--credentials', credentialsFile]);
      expect(r.code, r.stderr).toBe(0);
      const file = path.join(out, 'sirgiving.accord-sandbox.postman_environment.json');
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(r.stdout).toContain('sirgiving.accord-sandbox.postman_environment.json  (test credentials, mode 0600)');
      const values = Object.fromEntries(JSON.parse(fs.readFileSync(file, 'utf8')).values.map((v: { key: string; value: string }) => [v.key, v.value]));
      const creds = running.sandboxes[0]!.instance.credentials;
      expect(values).toEqual({ baseUrl: running.sandboxes[0]!.baseUrl, partnerKey: creds.default!.credentials.partnerKey, signingSecret: creds.default!.signing!.secret, adminBearer: creds.admin!.credentials.adminBearer });
      for (const secret of secretValues(gen('sirgiving'), creds)) expect(r.stdout + r.stderr).not.toContain(secret);
      expect(fs.statSync(path.join(out, 'sirgiving.sandbox.postman_environment.json')).mode & 0o777).toBe(0o644);
    } finally {
      await running.stop();
    }
  }, 60_000);

  it('rejects an unknown provider and an unusable credentials file with one line, exit 2', async () => {
    const unknown = await accord(['postman', 'acme', '--out', path.join(dir, 'x')]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('accord: unknown provider "acme": expected one of starship, istar, sirgiving, odm\n');
    const missing = await accord(['postman', 'odm', '--out', path.join(dir, 'x'), '--credentials', path.join(dir, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^accord: --credentials: cannot read .*nope\.json \(ENOENT\)\n$/);
    const none = await accord(['postman', '--out', path.join(dir, 'x')]);
    expect(none.code).toBe(2);
  });
});
