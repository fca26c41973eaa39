/**
 * A Postman collection (format v2.1) from a provider's bundled spec: one request per operation,
 * in folders by tag, with the spec's examples as parameters and bodies, credentials as
 * variables, and the collection pre-request script of postman/scripts/ that signs every request
 * with the provider's scheme and adds Idempotency-Key headers.
 *
 * Identifiers in the spec's examples are linked: when a request's example value (a path or query
 * parameter, a body field) is an id that an earlier operation's response example carries
 * (`order_id`, `validation_id`, `id`…), the request uses a collection variable that starts as
 * that example and is replaced by the value a real response returns. A run "create, then read"
 * therefore reads what it created.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { STATUS_CODES } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleSpec, type OpenApiDocument } from '../contracts/bundle.ts';
import type { Provider } from '../contracts/providers.ts';
import { deref } from '../contracts/walk.ts';
import { extractContract } from '../generators/contract/extract.ts';
import type { Contract, ContractOperation } from '../runtime/contract.ts';
import { getScheme } from '../signing/schemes/index.ts';
import { POSTMAN_CONFIG, type PostmanProviderConfig } from './config.ts';
import { ed25519Script } from './ed25519.ts';

export const COLLECTION_SCHEMA = 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json';
/** Placeholders the pre-request script replaces (see postman/scripts/signer.js). */
export const PLACEHOLDERS = { signature: '{{accordSignature}}', timestamp: '{{accordTimestamp}}', idempotencyKey: '{{accordIdempotencyKey}}' } as const;

const SCRIPTS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'scripts');
const readScript = (name: string) => fs.readFileSync(path.join(SCRIPTS_DIR, name), 'utf8');

/** A name-based UUID (version 5, SHA-1) in accord's namespace: the same input always gives the same id. */
export function stableUuid(name: string): string {
  const namespace = Buffer.from('6d1c8f1e4b7a4c2e9a3f0b5d7e9c1a2b', 'hex');
  const h = createHash('sha1').update(namespace).update(name).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// ---------------------------------------------------------------------------------------------
// Postman v2.1 shapes (the subset accord emits)

export interface PmHeader {
  key: string;
  value: string;
  disabled?: boolean;
  description?: string;
}
export interface PmQuery {
  key: string;
  value: string;
  disabled?: boolean;
  description?: string;
}
export interface PmVariable {
  key: string;
  value: string;
  type?: 'string';
  description?: string;
}
export interface PmEvent {
  listen: 'prerequest' | 'test';
  script: { type: 'text/javascript'; exec: string[] };
}
export interface PmRequest {
  method: string;
  header: PmHeader[];
  url: { raw: string; host: string[]; path: string[]; query?: PmQuery[]; variable?: PmVariable[] };
  body?: { mode: 'raw'; raw: string; options: { raw: { language: 'json' | 'text' } } };
  description?: string;
}
export interface PmResponse {
  name: string;
  originalRequest: PmRequest;
  status: string;
  code: number;
  _postman_previewlanguage: 'json' | 'text';
  header: PmHeader[];
  cookie: [];
  body: string;
}
export interface PmItem {
  id: string;
  name: string;
  request: PmRequest;
  response: PmResponse[];
  event?: PmEvent[];
}
export interface PmFolder {
  name: string;
  description?: string;
  item: PmItem[];
}
export interface PmCollection {
  info: { _postman_id: string; name: string; description: string; schema: typeof COLLECTION_SCHEMA; version: string };
  item: PmFolder[];
  event: PmEvent[];
  variable: PmVariable[];
}

/** One request of the collection, for the test and the CLI summary. */
export interface GeneratedRequest {
  operationId: string;
  itemId: string;
  name: string;
  folder: string;
  method: string;
  path: string;
  signed: boolean;
  idempotency: 'required' | 'optional' | null;
}

export interface GeneratedCollection {
  provider: Provider;
  contract: Contract;
  collection: PmCollection;
  requests: GeneratedRequest[];
  /** Variables linking an earlier response's id to a later request (name → initial value). */
  links: Record<string, string>;
  /** The configuration object prepended to the pre-request script. */
  scriptConfig: ScriptConfig;
}

export interface ScriptConfig {
  provider: string;
  defaultScheme: string | null;
  schemeVariable: string | null;
  /** Every operation must be signed: with no key, the request is skipped (ODM). */
  keyRequired: boolean;
  idempotencyHeader: string;
  /** Requests at least this far apart (the spec's rate-limit windows of 10 s or less). */
  minIntervalMs: number;
  schemes: Record<
    string,
    { id: string; algorithm: string; canonical: string; signatureHeader: string; signatureFormat: string; timestampHeader: string | null; keyVariables: Record<string, string> }
  >;
}

// ---------------------------------------------------------------------------------------------
// Examples

function schemaExample(doc: OpenApiDocument, schema: any): unknown {
  const s = deref(doc, schema);
  if (!s || typeof s !== 'object') return undefined;
  if (s.example !== undefined) return s.example;
  if (Array.isArray(s.examples) && s.examples.length) return s.examples[0];
  if (s.default !== undefined) return s.default;
  if (s.const !== undefined) return s.const;
  if (Array.isArray(s.enum) && s.enum.length) return s.enum[0];
  return undefined;
}

function parameterExample(doc: OpenApiDocument, p: any): unknown {
  if (p.example !== undefined) return p.example;
  const first = p.examples ? Object.values<any>(p.examples)[0] : undefined;
  if (first !== undefined) return deref(doc, first)?.value;
  return schemaExample(doc, p.schema);
}

interface NamedExample {
  name: string;
  value: unknown;
}

/** A media type's examples, named (the `examples` map, else `example`, else the schema's). */
function mediaExamples(doc: OpenApiDocument, media: any): NamedExample[] {
  if (!media) return [];
  if (media.examples && typeof media.examples === 'object') {
    return Object.entries<any>(media.examples).map(([name, e]) => {
      const ex = deref(doc, e);
      return { name: ex?.summary ? String(ex.summary) : name, value: ex?.value };
    });
  }
  if (media.example !== undefined) return [{ name: 'example', value: media.example }];
  const fromSchema = schemaExample(doc, media.schema);
  return fromSchema === undefined ? [] : [{ name: 'example', value: fromSchema }];
}

const asText = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v));
/** The first paragraph of a description, on one line. */
const firstParagraph = (s: unknown) => String(s ?? '').trim().split(/\n\s*\n/)[0]!.replace(/\s*\n\s*/g, ' ').trim();

// ---------------------------------------------------------------------------------------------
// Operations in run order

interface OperationView {
  op: ContractOperation;
  raw: any;
  params: any[];
  folder: string;
}

/** Operations grouped by their first tag, folders in the spec's `tags` order, operations in spec order. */
function operationsInRunOrder(doc: OpenApiDocument, contract: Contract, config: PostmanProviderConfig): { folders: { name: string; description: string }[]; ops: OperationView[] } {
  const declared = (doc.tags ?? []).map((t: any) => ({ name: String(t.name), description: String(t.description ?? '').trim() }));
  const byFolder = new Map<string, OperationView[]>();
  // Spec order: paths as declared, and the methods of a path item as declared (create before list).
  const paths = Object.keys(doc.paths ?? {});
  const rank = (op: ContractOperation) => paths.indexOf(op.path) * 100 + Object.keys(doc.paths[op.path]).indexOf(op.method);
  for (const op of [...contract.operations].sort((a, b) => rank(a) - rank(b))) {
    const item = doc.paths[op.path];
    const raw = item[op.method];
    const params = [...(item.parameters ?? []), ...(raw.parameters ?? [])].map((p: any) => deref(doc, p));
    // later declarations (operation level) override earlier ones (path level), as OpenAPI says
    const unique = new Map<string, any>();
    for (const p of params) unique.set(`${p.in}:${String(p.name).toLowerCase()}`, p);
    const folder = config.lastFolder?.operations.includes(op.operationId) ? config.lastFolder.name : (op.tags[0] ?? 'other');
    if (!byFolder.has(folder)) byFolder.set(folder, []);
    byFolder.get(folder)!.push({ op, raw, params: [...unique.values()], folder });
  }
  const folders = [...declared.filter((t: { name: string }) => byFolder.has(t.name))];
  for (const name of byFolder.keys()) if (name !== config.lastFolder?.name && !folders.some((f: { name: string }) => f.name === name)) folders.push({ name, description: '' });
  if (config.lastFolder && byFolder.has(config.lastFolder.name)) {
    const last = config.lastFolder;
    byFolder.get(last.name)!.sort((a, b) => last.operations.indexOf(a.op.operationId) - last.operations.indexOf(b.op.operationId));
    folders.push({ name: last.name, description: last.description });
  }
  return { folders, ops: folders.flatMap((f: { name: string }) => byFolder.get(f.name)!) };
}

// ---------------------------------------------------------------------------------------------
// Linking ids from response examples to later requests

const ID_PROPERTY = /^(id|code|slug)$|_id$|Id$/;

interface Links {
  /** example value → variable name */
  variableOf: Map<string, string>;
  /** variable name → initial value */
  initial: Map<string, string>;
  /** operationId → [response property, variable] captured from its 2xx responses */
  captures: Map<string, Array<[string, string]>>;
}

function successExamples(doc: OpenApiDocument, raw: any): unknown[] {
  return Object.entries<any>(raw.responses ?? {})
    .filter(([code]) => /^2/.test(code))
    .flatMap(([, r]) => Object.values<any>(deref(doc, r)?.content ?? {}).flatMap((m) => mediaExamples(doc, m).map((e) => e.value)));
}

/** Top-level identifier-like string properties of an operation's 2xx response examples. */
function producedIds(doc: OpenApiDocument, raw: any): Map<string, string> {
  const out = new Map<string, string>(); // value → property
  for (const ex of successExamples(doc, raw)) {
    if (!ex || typeof ex !== 'object' || Array.isArray(ex)) continue;
    for (const [prop, value] of Object.entries(ex as Record<string, unknown>)) {
      if (typeof value === 'string' && value.length >= 4 && ID_PROPERTY.test(prop) && !out.has(value)) out.set(value, prop);
    }
  }
  return out;
}

function buildLinks(doc: OpenApiDocument, ops: OperationView[], reserved: Set<string>, firstBody: (v: OperationView) => unknown): Links {
  const produced = ops.map((v) => producedIds(doc, v.raw));
  const links: Links = { variableOf: new Map(), initial: new Map(), captures: new Map() };
  const link = (value: string, slot: string, at: number) => {
    if (links.variableOf.has(value)) return;
    if (!produced.some((m, i) => i < at && m.has(value))) return;
    let name = slot.replace(/[^A-Za-z0-9_]/g, '_');
    for (let n = 2; reserved.has(name) || links.initial.has(name); n++) name = `${slot}_${n}`;
    links.variableOf.set(value, name);
    links.initial.set(name, value);
    produced.forEach((m, i) => {
      const prop = m.get(value);
      if (!prop) return;
      const list = links.captures.get(ops[i]!.op.operationId) ?? [];
      list.push([prop, name]);
      links.captures.set(ops[i]!.op.operationId, list);
    });
  };
  ops.forEach((v, at) => {
    for (const p of v.params) {
      if (p.in !== 'path' && p.in !== 'query') continue;
      const ex = parameterExample(doc, p);
      if (typeof ex === 'string') link(ex, String(p.name), at);
    }
    const walk = (node: unknown, key: string | undefined) => {
      if (typeof node === 'string' && key) link(node, key, at);
      else if (Array.isArray(node)) node.forEach((x) => walk(x, key));
      else if (node && typeof node === 'object') for (const [k, x] of Object.entries(node)) walk(x, k);
    };
    walk(firstBody(v), undefined);
  });
  return links;
}

/** The example with linked ids replaced by `{{variable}}`. */
function templated(value: unknown, links: Links): unknown {
  if (typeof value === 'string') return links.variableOf.has(value) ? `{{${links.variableOf.get(value)}}}` : value;
  if (Array.isArray(value)) return value.map((x) => templated(x, links));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, x]) => [k, templated(x, links)]));
  return value;
}

// ---------------------------------------------------------------------------------------------
// Scripts

/** Shortest spacing the spec's short rate-limit windows (≤ 10 s) impose, plus a 100 ms margin; 0 when none. */
export function minIntervalMs(contract: Contract): number {
  let ms = 0;
  for (const cls of Object.values(contract.rateLimit?.classes ?? {})) {
    for (const w of cls.limits) if (w.per_seconds <= 10) ms = Math.max(ms, Math.ceil((w.per_seconds * 1000) / w.requests) + 100);
  }
  return ms;
}

function scriptConfigFor(provider: Provider, contract: Contract, config: PostmanProviderConfig): ScriptConfig {
  const schemes: ScriptConfig['schemes'] = {};
  for (const { id, keyVariables } of config.schemes) {
    const s = getScheme(id);
    schemes[id] = {
      id,
      algorithm: s.algorithm,
      canonical: s.canonical,
      signatureHeader: s.signatureHeader,
      signatureFormat: s.signatureFormat,
      timestampHeader: s.timestampHeader ?? null,
      keyVariables,
    };
  }
  return {
    provider: provider.id,
    defaultScheme: config.schemes[0]?.id ?? null,
    schemeVariable: config.schemeVariable?.name ?? null,
    keyRequired: contract.operations.length > 0 && contract.operations.every((o) => o.signing === 'required'),
    idempotencyHeader: contract.idempotency?.header ?? 'Idempotency-Key',
    minIntervalMs: minIntervalMs(contract),
    schemes,
  };
}

/** The collection pre-request script: configuration, the Ed25519 library when a scheme needs it, the signer. */
export function preRequestScript(cfg: ScriptConfig): string[] {
  const parts = [
    '// Generated by `accord postman` from postman/scripts/*.js; edit those and regenerate.',
    `var ACCORD = ${JSON.stringify(cfg, null, 2)};`,
  ];
  if (Object.values(cfg.schemes).some((s) => s.algorithm === 'ed25519')) parts.push(ed25519Script());
  parts.push(readScript('signer.js'));
  return parts.join('\n').replace(/\n+$/, '').split('\n');
}

/** The status a request's test expects: the flow's declared one, else the operation's success status. */
export function expectedStatus(op: ContractOperation, config: PostmanProviderConfig): { status: number; code?: string; why?: string } {
  const declared = config.expected?.[op.operationId];
  if (declared) return declared;
  const success = op.responses.filter((r) => /^2\d\d$/.test(r)).map(Number).sort((a, b) => a - b)[0];
  if (success === undefined) throw new Error(`${op.operationId} documents no 2xx status: declare its expected status in postman/config.ts`);
  return { status: success };
}

function testScript(op: ContractOperation, captures: Array<[string, string]>, config: PostmanProviderConfig): string[] {
  const want = expectedStatus(op, config);
  const lines = [
    want.why
      ? `// ${op.operationId}: in this run it answers ${want.status} ${want.code} (${want.why.replace(/\n/g, ' ')}); ids in the answer feed later requests.`
      : `// ${op.operationId}: it must succeed (${want.status}); a refused credential, a bad signature or a missing resource fails the run. Ids in the answer feed later requests.`,
    `pm.test('${op.operationId} answers ${want.status}${want.code ? ` ${want.code}` : ''}', function () {`,
    `  pm.expect(pm.response.code, '${op.operationId}: HTTP ' + pm.response.code + ' ' + pm.response.text().slice(0, 200)).to.equal(${want.status});`,
    ...(want.code ? [`  pm.expect(pm.response.text()).to.include(${JSON.stringify(`"${want.code}"`)});`] : []),
    `});`,
  ];
  for (const oob of (config.outOfBand ?? []).filter((o) => o.after === op.operationId)) {
    const query = Object.entries(oob.control.query).map(([k, prop]) => `${JSON.stringify(`${k}=`)} + encodeURIComponent(String(answer[${JSON.stringify(prop)}]))`).join(" + '&' + ");
    lines.push(
      `// ${oob.variable}: sent out of band; an accord sandbox shows it on its control API (accordControlUrl), elsewhere type it into {{${oob.variable}}}.`,
      `var controlUrl = pm.environment.get('accordControlUrl');`,
      `if (controlUrl && pm.response.code >= 200 && pm.response.code < 300) {`,
      `  var answer = pm.response.json();`,
      `  pm.sendRequest(controlUrl.replace(/[/]$/, '') + ${JSON.stringify(oob.control.path)} + '?' + ${query}, function (err, res) {`,
      `    if (!err && res.code === 200) pm.collectionVariables.set(${JSON.stringify(oob.variable)}, String(res.json()[${JSON.stringify(oob.control.property)}]));`,
      `  });`,
      `}`,
    );
  }
  if (captures.length) {
    lines.push(
      `if (pm.response.code >= 200 && pm.response.code < 300) {`,
      `  var body;`,
      `  try { body = pm.response.json(); } catch (e) { body = undefined; }`,
      `  if (body && typeof body === 'object' && !Array.isArray(body)) {`,
      ...captures.map(([prop, variable]) => `    if (body[${JSON.stringify(prop)}] != null) pm.collectionVariables.set(${JSON.stringify(variable)}, String(body[${JSON.stringify(prop)}]));`),
      `  }`,
      `}`,
    );
  }
  return lines;
}

// ---------------------------------------------------------------------------------------------
// Requests

function credentialVariable(op: ContractOperation, scheme: string, fallback: string, config: PostmanProviderConfig): string {
  for (const surface of config.surfaces ?? []) if (op.path.startsWith(surface.pathPrefix) && surface.variables[scheme]) return surface.variables[scheme]!;
  return fallback;
}

function describeOperation(v: OperationView, signed: boolean, scriptCfg: ScriptConfig): string {
  const { op, raw } = v;
  const facts = [
    `**operationId** \`${op.operationId}\` · \`${op.method.toUpperCase()} ${op.path}\``,
    signed
      ? `**Signing** ${op.signing === 'required' ? 'required' : 'when the credential signs'}: the collection pre-request script computes ${Object.values(scriptCfg.schemes)
          .map((s) => `\`${s.signatureHeader}\`${s.timestampHeader ? ` and \`${s.timestampHeader}\`` : ''} (${s.id})`)
          .join(' or ')}.`
      : '**Signing** none.',
    op.idempotency
      ? `**Idempotency-Key** ${op.idempotency}: a fresh UUID per send from the pre-request script; to retry, replace \`${PLACEHOLDERS.idempotencyKey}\` with the first attempt's key (\`{{lastIdempotencyKey}}\`).`
      : null,
    op.rateLimitClass ? `**Rate-limit class** \`${op.rateLimitClass}\`.` : null,
    op.keyScope ? `**Key scope** \`${op.keyScope}\`.` : null,
    op.status === 'planned' ? '**Planned**: announced by the provider, not built yet (`x-status: planned`); accord\'s sandbox implements it.' : null,
    `**Documented responses** ${op.responses.join(', ')}.`,
  ].filter(Boolean);
  return [String(raw.description ?? op.summary ?? '').trim(), facts.join('\n\n')].filter(Boolean).join('\n\n---\n\n');
}

function buildRequest(doc: OpenApiDocument, v: OperationView, contract: Contract, config: PostmanProviderConfig, scriptCfg: ScriptConfig, links: Links): { request: PmRequest; signed: boolean } {
  const { op, raw, params } = v;
  const signatureHeaders = new Set(Object.values(scriptCfg.schemes).flatMap((s) => [s.signatureHeader, s.timestampHeader].filter((h): h is string => Boolean(h)).map((h) => h.toLowerCase())));
  const managed = new Set<string>([...signatureHeaders, scriptCfg.idempotencyHeader.toLowerCase(), ...contract.auth.map((a) => a.header.toLowerCase())]);

  const header: PmHeader[] = [];
  let signed = false;
  const schemesUsed = [...new Set(op.security.flat())];
  for (const auth of contract.auth) {
    if (!schemesUsed.includes(auth.scheme)) continue;
    const description = firstParagraph(doc.components?.securitySchemes?.[auth.scheme]?.description);
    if (auth.computed) {
      const scheme = Object.values(scriptCfg.schemes).find((s) => s.signatureHeader === auth.header || s.timestampHeader === auth.header);
      if (!scheme) continue;
      const isSignature = scheme.signatureHeader === auth.header;
      signed ||= isSignature;
      header.push({ key: auth.header, value: isSignature ? PLACEHOLDERS.signature : PLACEHOLDERS.timestamp, description: `computed by the collection pre-request script (${scheme.id})` });
    } else {
      const variable = credentialVariable(op, auth.scheme, auth.credential, config);
      header.push({ key: auth.header, value: `${auth.prefix}{{${variable}}}`, description });
    }
  }
  if (op.idempotency) {
    header.push({
      key: scriptCfg.idempotencyHeader,
      value: PLACEHOLDERS.idempotencyKey,
      description: `${op.idempotency}: a fresh UUID per send (collection pre-request script); to retry an operation, put the first attempt's key here ({{lastIdempotencyKey}})`,
    });
  }

  const body = op.requestBody ? deref(doc, raw.requestBody) : null;
  const mediaType = body ? Object.keys(body.content ?? {})[0] ?? 'application/json' : null;
  const bodyExample = body ? mediaExamples(doc, body.content?.[mediaType!])[0] : undefined;
  if (mediaType && bodyExample) header.push({ key: 'Content-Type', value: mediaType });

  const query: PmQuery[] = [];
  const variable: PmVariable[] = [];
  for (const p of params) {
    const example = parameterExample(doc, p);
    const value = example === undefined ? `<${p.name}>` : asText(templated(example, links));
    const description = [p.required ? '(required)' : '(optional)', firstParagraph(p.description)].filter(Boolean).join(' ');
    if (p.in === 'path') variable.push({ key: p.name, value, description });
    else if (p.in === 'query') {
      const values = Array.isArray(example) ? example.map((x) => asText(templated(x, links))) : [value];
      for (const x of values) query.push({ key: p.name, value: x, description });
    } else if (p.in === 'header' && !managed.has(String(p.name).toLowerCase())) {
      header.push({ key: p.name, value, ...(p.required ? {} : { disabled: true }), description });
    }
  }

  const segments = op.path.split('/').filter(Boolean).map((segment) => {
    const m = /^\{([^}]+)\}$/.exec(segment);
    if (m) return `:${m[1]}`;
    if (segment.includes('{')) throw new Error(`${op.operationId}: a path parameter inside a segment (${segment}) is not supported`);
    return segment;
  });
  const queryString = query.filter((q) => !q.disabled).map((q) => `${q.key}=${q.value}`).join('&');
  const request: PmRequest = {
    method: op.method.toUpperCase(),
    header,
    url: {
      raw: `{{baseUrl}}/${segments.join('/')}${queryString ? `?${queryString}` : ''}`,
      host: ['{{baseUrl}}'],
      path: segments,
      ...(query.length ? { query } : {}),
      ...(variable.length ? { variable } : {}),
    },
    description: describeOperation(v, signed, scriptCfg),
  };
  if (bodyExample) {
    const json = /json/i.test(mediaType!);
    const value = templated(bodyExample.value, links);
    request.body = { mode: 'raw', raw: json ? JSON.stringify(value, null, 2) : asText(value), options: { raw: { language: json ? 'json' : 'text' } } };
  }
  return { request, signed };
}

function savedResponses(doc: OpenApiDocument, raw: any, request: PmRequest): PmResponse[] {
  // The request as sent, without the descriptions (they are on the request itself): keeps the file small.
  const bare = <T extends { description?: string }>(list: T[] | undefined) => list?.map(({ description: _d, ...rest }) => rest);
  const { query, variable, ...url } = request.url;
  const original: PmRequest = {
    method: request.method,
    header: bare(request.header)!,
    url: { ...url, ...(query ? { query: bare(query) } : {}), ...(variable ? { variable: bare(variable) } : {}) },
    ...(request.body ? { body: request.body } : {}),
  };
  const out: PmResponse[] = [];
  for (const [code, r] of Object.entries<any>(raw.responses ?? {})) {
    // Success examples only: the error examples (every code of every 4xx/5xx) would multiply the
    // file and the run time, and are in the spec and the HTML reference.
    if (!/^2\d\d$/.test(code)) continue;
    const response = deref(doc, r);
    for (const [mediaType, media] of Object.entries<any>(response?.content ?? {})) {
      for (const ex of mediaExamples(doc, media)) {
        const json = /json/i.test(mediaType);
        out.push({
          name: `${code} ${ex.name}`,
          originalRequest: original,
          status: STATUS_CODES[Number(code)] ?? '',
          code: Number(code),
          _postman_previewlanguage: json ? 'json' : 'text',
          header: [{ key: 'Content-Type', value: mediaType }],
          cookie: [],
          body: json ? JSON.stringify(ex.value, null, 2) : asText(ex.value),
        });
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The collection

function collectionDescription(doc: OpenApiDocument, provider: Provider, contract: Contract, config: PostmanProviderConfig, cfg: ScriptConfig, links: Links): string {
  const schemes = Object.values(cfg.schemes);
  const lines: string[] = [
    `${contract.title} ${contract.version}: one request per operation of \`specs/${provider.id}/openapi.yaml\`, generated by \`accord postman ${provider.id}\`. Do not edit by hand: regenerate. The API's own integration guide (from the spec) follows these notes.`,
    '',
    '## Environments',
    `One environment per server of the spec (${contract.servers.map((s) => `\`${s.environment}\``).join(', ')}). Each holds \`baseUrl\` and the credential variables below; values are empty unless generated with \`--credentials\` from a running \`accord serve\`.`,
    '',
    '| variable | what |',
    '| --- | --- |',
    '| `baseUrl` | the server URL, base path included |',
    ...config.credentials.map((c) => `| \`${c.variable}\` | ${c.description} |`),
    ...(config.schemeVariable ? [`| \`${config.schemeVariable.name}\` | ${config.schemeVariable.description} |`] : []),
    '',
    '## Signing',
  ];
  if (!schemes.length) lines.push('Requests are not signed; the collection pre-request script only paces requests where the spec\'s rate limit needs it.');
  else {
    lines.push(
      `The collection pre-request script signs every request that carries \`${schemes[0]!.signatureHeader}\` with ${schemes.map((s) => `\`${s.id}\``).join(' or ')}: ` +
        'it resolves the URL and body once (variables and dynamic variables), percent-encodes the URL, strips JSON comments as Postman does, writes them back to the request and signs those exact bytes: `METHOD`, the path as sent (base path included), the query sorted by key, the SHA-256 of the body and the timestamp (specs/CONVENTIONS.md).',
      cfg.keyRequired
        ? `Every operation must be signed: with an empty key variable the request is skipped and the run reports a failed check naming the variable.`
        : 'With an empty key variable the signature headers are removed and the request goes unsigned (a credential that does not sign).',
      'Set `accordDebug` to `true` to log the canonical string (never the key) to the Postman console.',
    );
    if (schemes.some((s) => s.algorithm === 'ed25519')) {
      lines.push(
        '',
        "**Ed25519 in Postman.** Postman's script sandbox offers no Ed25519 (no `require('crypto')`, no WebCrypto, and CryptoJS has hashes, HMAC and ciphers only). The script therefore carries TweetNaCl (tweetnacl-js 1.0.3, public domain, audited by Cure53), bundled from npm when the collection is generated; accord's tests check, in newman's sandbox, that it reproduces RFC 8032's test vectors, the spec's worked examples and every text-body `odm-ed25519` signing vector byte for byte. Keep private keys in Postman to sandbox and test keys, and sign production traffic server-side (accord's signing engine).",
      );
    }
  }
  lines.push(
    '',
    '## Idempotency',
    `Where the operation takes one, \`${cfg.idempotencyHeader}: ${PLACEHOLDERS.idempotencyKey}\` gets a fresh UUID per send; the last one is kept in \`{{lastIdempotencyKey}}\`. To retry an operation safely, put the first attempt's key in the header.`,
  );
  if (cfg.minIntervalMs) lines.push('', '## Pacing', `The spec limits requests to a short window; the pre-request script keeps requests at least ${cfg.minIntervalMs} ms apart.`);
  if (links.initial.size) {
    lines.push(
      '',
      '## Linked ids',
      'These collection variables start as the spec\'s example and take the value a response returns, so a run reads what it created: ' +
        [...links.initial.keys()].map((k) => `\`{{${k}}}\``).join(', ') +
        '.',
    );
  }
  lines.push('', '## Examples', 'Each request carries the spec\'s success examples as saved responses; error responses and codes are in the spec (`x-error-codes`) and `accord docs`.');
  lines.push('', '## Run it', `\`npx newman run ${provider.id}.postman_collection.json -e ${provider.id}.accord-sandbox.postman_environment.json\` against \`npx accord serve ${provider.id}\`. Webhooks are inbound and not part of the collection.`);
  const guide = String(doc.info?.description ?? '').trim();
  if (guide) lines.push('', '---', '', `# ${contract.title}: integration guide (from the spec)`, '', guide);
  return lines.join('\n');
}

export async function buildCollection(provider: Provider): Promise<GeneratedCollection> {
  const doc = await bundleSpec(provider.specPath);
  const contract = extractContract(doc, `specs/${provider.id}/openapi.yaml`);
  const config = POSTMAN_CONFIG[provider.id];
  const scriptCfg = scriptConfigFor(provider, contract, config);
  const { folders, ops } = operationsInRunOrder(doc, contract, config);

  const firstBody = (v: OperationView) => {
    const body = v.op.requestBody ? deref(doc, v.raw.requestBody) : null;
    return body ? mediaExamples(doc, Object.values<any>(body.content ?? {})[0])[0]?.value : undefined;
  };
  const reserved = new Set(['baseUrl', 'lastIdempotencyKey', 'accordLastSentAt', ...config.credentials.map((c) => c.variable), ...(config.schemeVariable ? [config.schemeVariable.name] : [])]);
  const links = buildLinks(doc, ops, reserved, firstBody);
  // An out-of-band value (ODM's OTP) in a body example becomes its variable.
  for (const oob of config.outOfBand ?? []) {
    const v = ops.find((o) => o.op.operationId === oob.operation);
    const example = v ? (firstBody(v) as Record<string, unknown> | undefined)?.[oob.field] : undefined;
    if (typeof example !== 'string') throw new Error(`postman config: ${oob.operation}'s body example has no string ${oob.field}`);
    links.variableOf.set(example, oob.variable);
    links.initial.set(oob.variable, example);
  }

  const requests: GeneratedRequest[] = [];
  const usedNames = new Set<string>();
  const items = new Map<string, PmItem[]>();
  for (const v of ops) {
    const { request, signed } = buildRequest(doc, v, contract, config, scriptCfg, links);
    let name = (v.op.summary || v.op.operationId).replace(/\.$/, '') + (v.op.status === 'planned' ? ' (planned)' : '');
    if (usedNames.has(name)) name = `${name} (${v.op.operationId})`;
    usedNames.add(name);
    const itemId = stableUuid(`${provider.id}:${v.op.operationId}`);
    const item: PmItem = {
      id: itemId,
      name,
      request,
      response: savedResponses(doc, v.raw, request),
      event: [{ listen: 'test', script: { type: 'text/javascript', exec: testScript(v.op, links.captures.get(v.op.operationId) ?? [], config) } }],
    };
    if (!items.has(v.folder)) items.set(v.folder, []);
    items.get(v.folder)!.push(item);
    requests.push({ operationId: v.op.operationId, itemId, name, folder: v.folder, method: request.method, path: v.op.path, signed, idempotency: v.op.idempotency });
  }

  const defaultServer = contract.servers.find((s) => s.environment === 'accord-sandbox') ?? contract.servers[0];
  const variable: PmVariable[] = [
    { key: 'baseUrl', value: defaultServer?.url ?? '', type: 'string', description: 'the server URL (base path included); environments override it' },
    ...[...links.initial.entries()].map(([key, value]) => ({ key, value, type: 'string' as const, description: 'starts as the spec example; set from a response that returns this id' })),
    { key: 'lastIdempotencyKey', value: '', type: 'string', description: 'the Idempotency-Key of the last request that took one (set by the pre-request script)' },
    ...(scriptCfg.minIntervalMs ? [{ key: 'accordLastSentAt', value: '', type: 'string' as const, description: 'pacing: when the last request left (set by the pre-request script)' }] : []),
  ];

  const collection: PmCollection = {
    info: {
      _postman_id: stableUuid(`${provider.id}:collection`),
      name: `${contract.title} (accord)`,
      description: collectionDescription(doc, provider, contract, config, scriptCfg, links),
      schema: COLLECTION_SCHEMA,
      version: contract.version,
    },
    item: folders.map((f) => ({ name: f.name, ...(f.description ? { description: f.description } : {}), item: items.get(f.name) ?? [] })),
    event: [{ listen: 'prerequest', script: { type: 'text/javascript', exec: preRequestScript(scriptCfg) } }],
    variable,
  };
  return { provider, contract, collection, requests, links: Object.fromEntries(links.initial), scriptConfig: scriptCfg };
}
