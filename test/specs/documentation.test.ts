// The specs as documentation and as input to peer tools: sources cited by file name, a contact,
// every request input bounded (with the decision recorded where the docs are silent), the ODM key
// format stated with a Node snippet that really loads a raw RFC 8032 seed.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleSpec, specFiles } from '../../contracts/bundle.ts';
import { PROVIDERS, REPO_ROOT } from '../../contracts/providers.ts';

/** The five provider pages, by the only names a spec may cite them by. */
const PROVIDER_PAGES = ['starship-overview.txt', 'starship-request-headers.txt', 'istar.txt', 'sirgiving-onboarding.txt', 'odm-getting-started.txt'];
const SOURCES: Record<string, string[]> = {
  starship: ['starship-overview.txt', 'starship-request-headers.txt'],
  istar: ['istar.txt'],
  sirgiving: ['sirgiving-onboarding.txt'],
  odm: ['odm-getting-started.txt'],
};

const specDir = (id: string) => path.join(REPO_ROOT, 'specs', id);
const decisions = (id: string) => fs.readFileSync(path.join(specDir(id), 'DECISIONS.md'), 'utf8');

describe.each(PROVIDERS)('$id spec as documentation', (provider) => {
  it('cites the provider pages by file name, never by a machine path', () => {
    const files = [...specFiles(provider.specPath), path.join(specDir(provider.id), 'DECISIONS.md')];
    const pathCitations = files.flatMap((f) =>
      [...fs.readFileSync(f, 'utf8').matchAll(/(?:\/[\w.-]+)+\/(?:[\w-]+\.txt)/g)].map((m) => `${path.relative(REPO_ROOT, f)}: ${m[0]}`),
    );
    expect(pathCitations).toEqual([]);
    const header = fs.readFileSync(provider.specPath, 'utf8').split('\n').slice(0, 3).join('\n');
    for (const page of SOURCES[provider.id]!) {
      expect(header).toContain(page);
      expect(decisions(provider.id)).toContain(page);
    }
    const cited = [...header.matchAll(/[\w-]+\.txt/g)].map((m) => m[0]);
    expect(cited.filter((c) => !PROVIDER_PAGES.includes(c))).toEqual([]);
  });

  it('has info.contact, recorded as a decision', async () => {
    const doc = await bundleSpec(provider.specPath);
    expect(doc.info.contact?.name).toEqual(expect.any(String));
    const id = doc.info.contact['x-accord-decision'];
    expect(id).toMatch(/^D\d+$/);
    expect(decisions(provider.id)).toMatch(new RegExp(`^## ${id} — Contact$`, 'm'));
  });
});

// --- bounds -------------------------------------------------------------------------------------

const pointer = (doc: any, ref: string) => ref.slice(2).split('/').reduce((o: any, k) => o?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
const deref = (doc: any, s: any): any => {
  for (let i = 0; s?.$ref && i < 20; i++) s = pointer(doc, s.$ref);
  return s;
};
/** A pattern like ^[0-9a-f]{24}$ bounds a string as well as maxLength does; ^\S+$ does not. */
const boundedPattern = (p: unknown) => typeof p === 'string' && /^\^.*\$$/.test(p) && !/[+*]|\{\d+,\}/.test(p.replace(/\\./g, ''));

interface Unbounded {
  at: string;
  problem: string;
  decision: unknown;
}

/** Every array, string and integer a request can carry without an upper bound. */
function unboundedInputs(doc: any): Unbounded[] {
  const out: Unbounded[] = [];
  const walk = (raw: any, at: string, seen: Set<unknown>) => {
    const s = deref(doc, raw);
    if (!s || typeof s !== 'object' || seen.has(s)) return;
    const next = new Set(seen).add(s);
    const types: string[] = [].concat(s.type ?? []);
    const problem = (p: string) => out.push({ at, problem: p, decision: s['x-accord-decision'] });
    if (types.includes('array') && s.maxItems === undefined) problem('array without maxItems');
    if (types.includes('string') && s.maxLength === undefined && s.enum === undefined && s.const === undefined && !['date-time', 'date', 'uuid'].includes(s.format) && !boundedPattern(s.pattern)) problem('string without maxLength');
    if (types.includes('integer') && s.maximum === undefined && s.exclusiveMaximum === undefined && s.enum === undefined) problem('integer without maximum');
    for (const [k, v] of Object.entries<any>(s.properties ?? {})) walk(v, `${at}.${k}`, next);
    if (s.items) walk(s.items, `${at}[]`, next);
    for (const key of ['allOf', 'oneOf', 'anyOf']) (s[key] ?? []).forEach((x: any) => walk(x, at, next));
  };
  for (const [p, item] of Object.entries<any>(doc.paths ?? {})) {
    for (const [method, op] of Object.entries<any>(item)) {
      if (!['get', 'put', 'post', 'patch', 'delete'].includes(method)) continue;
      for (const param of [...(item.parameters ?? []), ...(op.parameters ?? [])].map((x) => deref(doc, x))) {
        if (param.in !== 'header') walk(param.schema, `${method.toUpperCase()} ${p} ${param.in} ${param.name}`, new Set());
      }
      const body = deref(doc, op.requestBody)?.content?.['application/json']?.schema;
      if (body) walk(body, `${method.toUpperCase()} ${p} body`, new Set());
    }
  }
  return out;
}

describe('request inputs are bounded (maxItems, maxLength, maximum)', () => {
  it('finds the unbounded inputs it is meant to find', () => {
    const doc = {
      paths: {
        '/x': {
          post: {
            parameters: [{ name: 'page', in: 'query', schema: { type: 'integer', minimum: 1 } }],
            requestBody: { content: { 'application/json': { schema: { type: 'object', properties: { tags: { type: 'array', items: { type: 'string', pattern: '^\\S+$' } }, id: { type: 'string', pattern: '^[0-9a-f]{24}$' } } } } } },
          },
        },
      },
    };
    expect(unboundedInputs(doc).map((u) => `${u.at}: ${u.problem}`)).toEqual([
      'POST /x query page: integer without maximum',
      'POST /x body.tags: array without maxItems',
      'POST /x body.tags[]: string without maxLength',
    ]);
  });

  it.each(PROVIDERS)('$id: none unbounded', async (provider) => {
    expect(unboundedInputs(await bundleSpec(provider.specPath))).toEqual([]);
  });

  // The bounds the docs do not give, each a recorded decision: [provider, schema path, decision]
  const BOUNDS: Array<{ provider: string; pointer: string; bound: Record<string, number>; decision: string }> = [
    { provider: 'starship', pointer: '#/components/parameters/Page/schema', bound: { maximum: 10000 }, decision: 'D30' },
    { provider: 'starship', pointer: '#/components/schemas/CategoryId', bound: { maximum: 2147483647 }, decision: 'D30' },
    { provider: 'istar', pointer: '#/components/schemas/RecipientHash', bound: { maxLength: 256 }, decision: 'D22' },
    { provider: 'sirgiving', pointer: '#/components/parameters/Page/schema', bound: { maximum: 10000 }, decision: 'D24' },
    { provider: 'sirgiving', pointer: '#/components/schemas/GenerateKeysRequest/properties/scopes', bound: { maxItems: 32 }, decision: 'D24' },
    { provider: 'sirgiving', pointer: '#/components/schemas/GenerateKeysRequest/properties/ipAllowlist', bound: { maxItems: 100 }, decision: 'D24' },
    { provider: 'sirgiving', pointer: '#/components/schemas/CreateCampaignRequest/properties/splitRules', bound: { maxItems: 50 }, decision: 'D24' },
    { provider: 'sirgiving', pointer: '#/components/schemas/SplitRule/properties/allocations', bound: { maxItems: 20 }, decision: 'D24' },
    { provider: 'sirgiving', pointer: '#/components/schemas/RegisterWebhookRequest/properties/events', bound: { maxItems: 2 }, decision: 'D24' },
    { provider: 'sirgiving', pointer: '#/components/schemas/CreateUserRequest/properties/email', bound: { maxLength: 254 }, decision: 'D24' },
    { provider: 'odm', pointer: '#/components/parameters/Page/schema', bound: { maximum: 10000 }, decision: 'D24' },
  ];
  it.each(BOUNDS)('$provider $pointer: $bound, decision $decision with its quote', async ({ provider, pointer: ptr, bound, decision }) => {
    const doc = await bundleSpec(path.join(specDir(provider), 'openapi.yaml'));
    const schema = deref(doc, pointer(doc, ptr));
    expect(schema).toMatchObject(bound);
    const recorded = [schema['x-accord-decision'], deref(doc, pointer(doc, ptr.replace(/\/schema$/, '')))['x-accord-decision']].flat();
    expect(recorded).toContain(decision);
    const section = decisions(provider).split(new RegExp(`^## ${decision} — `, 'm'))[1]?.split(/^## /m)[0] ?? '';
    expect(section).toMatch(/^> /m); // the docs quoted
    expect(section).toContain(String(Object.values(bound)[0]));
  });
});

// --- ODM private key format ---------------------------------------------------------------------

describe('ODM private key format', () => {
  it('states PKCS#8 PEM, and its Node snippet turns a raw RFC 8032 seed into the documented key', async () => {
    const doc = await bundleSpec(path.join(specDir('odm'), 'openapi.yaml'));
    const description: string = doc.info.description;
    expect(description).toMatch(/PKCS#8 PEM/);
    expect(doc.components.securitySchemes.Signature.description).toMatch(/PKCS#8 PEM/);
    const snippet = description.match(/```ts\n([\s\S]*?)```/)?.[1] ?? '';
    expect(snippet).toContain('createPrivateKey');
    // Run the snippet as written (its import replaced by node:crypto) on RFC 8032 test 1's seed.
    const body = snippet.replace(/^\s*import .*$/m, '') + '\nreturn key;';
    const key = new Function('createPrivateKey', 'Buffer', 'seedHex', body)(crypto.createPrivateKey, Buffer, '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
    const publicKey = crypto.createPublicKey(key).export({ format: 'der', type: 'spki' }).subarray(12);
    expect(publicKey.toString('base64')).toBe('11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo='); // RFC 8032 test 1's public key
    expect(decisions('odm')).toMatch(/^## D26 — Private key format$/m);
  });
});
