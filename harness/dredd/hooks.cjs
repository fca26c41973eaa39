/**
 * Dredd hooks for the four contracts, against accord's sandboxes or any other implementation.
 *
 * Every transaction gets the credentials of the right role from the credentials file, a fresh
 * X-Request-Id (and Idempotency-Key where the operation takes one), and is signed with the
 * provider's scheme (signing/engine.ts, through bridge.cjs) over the exact bytes Dredd sends.
 * Dredd tests one successful answer per operation — the other documented statuses need a broken
 * request, which is accord check's job. Ids in the spec's examples are replaced with real ones
 * (harness/dredd/providers.ts); the documented rate limits are kept by pacing the requests.
 *
 * Environment: ACCORD_DREDD_PROVIDER (starship, istar, sirgiving, odm) and
 * ACCORD_DREDD_CREDENTIALS (an accord-sandbox-credentials/1 file, as `accord serve` writes it).
 */
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const hooks = require('hooks');
const { sign, contractOf, dreddDataOf } = require('./bridge.cjs');

const provider = process.env.ACCORD_DREDD_PROVIDER;
const credentialsFile = process.env.ACCORD_DREDD_CREDENTIALS;
if (!provider || !credentialsFile) throw new Error('accord dredd hooks: set ACCORD_DREDD_PROVIDER and ACCORD_DREDD_CREDENTIALS');
const file = JSON.parse(fs.readFileSync(credentialsFile, 'utf8'));
const entry = file.providers && file.providers[provider];
if (!entry) throw new Error(`accord dredd hooks: ${credentialsFile} has no "${provider}" entry`);
const roles = entry.credentials;
const contract = contractOf(provider);
const doc = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'generated', provider, 'openapi.json'), 'utf8'));
const data = dreddDataOf(provider) || {};
const endpoint = String((hooks.configuration && hooks.configuration.endpoint) || entry.baseUrl).replace(/\/$/, '');
const controlUrl = entry.controlUrl;

const stash = {};
const tested = new Set();

// ---- spec helpers -------------------------------------------------------------------------

const deref = (node) => {
  let n = node;
  while (n && typeof n.$ref === 'string') n = n.$ref.slice(2).split('/').reduce((o, k) => o[k.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
  return n;
};

const operationOf = (t) => {
  const method = t.request.method.toLowerCase();
  return contract.operations.find((o) => o.method === method && o.path === t.origin.resourceName);
};

/** Response headers the spec requires for this status (Dredd expects every documented one). */
function requiredHeaders(op, status) {
  const response = deref(doc.paths[op.path][op.method].responses[String(status)]);
  const names = new Set();
  for (const [name, header] of Object.entries((response && response.headers) || {})) if (deref(header).required) names.add(name.toLowerCase());
  return names;
}

// ---- values --------------------------------------------------------------------------------

function valueOf(source) {
  if ('stash' in source) return stash[source.stash];
  if ('extra' in source) {
    const [role, field] = source.extra.split('.');
    return roles[role] && roles[role].extra ? roles[role].extra[field] : undefined;
  }
  if ('unique' in source) return `${source.unique}${crypto.randomBytes(6).toString('hex')}`;
  return source.value;
}

const pointerParts = (pointer) => pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));

function getPointer(value, pointer) {
  return pointerParts(pointer).reduce((o, k) => (o === undefined || o === null ? undefined : o[k]), value);
}

function setPointer(value, pointer, v) {
  const parts = pointerParts(pointer);
  let o = value;
  for (const k of parts.slice(0, -1)) o = o[k] === undefined ? (o[k] = {}) : o[k];
  o[parts[parts.length - 1]] = v;
}

function capture(body, rules) {
  let json;
  try {
    json = JSON.parse(body);
  } catch {
    return;
  }
  for (const [name, pointer] of Object.entries(rules || {})) {
    const v = getPointer(json, pointer);
    if (v !== undefined) stash[name] = v;
  }
}

/** Path from the template, example values kept unless inputs replace them. */
function buildPath(op, actualPath, inputs) {
  const names = [];
  const pattern = new RegExp(`${op.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_m, n) => (names.push(n), '([^/]+)'))}$`);
  const m = pattern.exec(actualPath);
  const values = {};
  names.forEach((n, i) => (values[n] = m ? m[i + 1] : ''));
  for (const [name, source] of Object.entries(inputs || {})) {
    const v = valueOf(source);
    if (v !== undefined) values[name] = encodeURIComponent(String(v));
  }
  return op.path.replace(/\{([^}]+)\}/g, (_m, n) => values[n]);
}

// ---- roles, headers, signing ---------------------------------------------------------------

function roleOf(op) {
  const declared = (data.roles || []).find((r) => (r.operations ? r.operations.includes(op.operationId) : op.path.startsWith(r.pathPrefix)));
  if (declared) return declared.role;
  for (const name of ['default', ...Object.keys(roles).filter((r) => r !== 'default')]) {
    const cred = roles[name];
    const fits = (alt) =>
      alt.every((scheme) => {
        const auth = contract.auth.find((a) => a.scheme === scheme);
        return auth && (auth.computed ? Boolean(cred.signing) : cred.credentials[auth.credential] !== undefined);
      });
    if (op.security.some(fits)) return name;
  }
  return 'default';
}

/** Sets the role's auth headers, a request id and an idempotency key, and signs method, path, query and body. */
function authorize(op, role, method, fullPath, body, headers) {
  const cred = roles[role];
  if (!cred) throw new Error(`the credentials file has no "${role}" role for ${provider}`);
  for (const auth of contract.auth) {
    for (const k of Object.keys(headers)) if (k.toLowerCase() === auth.header.toLowerCase()) delete headers[k];
    const v = cred.credentials[auth.credential];
    if (!auth.computed && v !== undefined && op.security.some((alt) => alt.includes(auth.scheme))) headers[auth.header] = auth.prefix + v;
  }
  headers['X-Request-Id'] = crypto.randomUUID();
  if (op.idempotency && contract.idempotency) headers[contract.idempotency.header] = `accord-dredd-${crypto.randomUUID()}`;
  if (cred.signing && op.signing !== 'none') {
    const [pathname, query = ''] = fullPath.split('?');
    const signed = sign(cred.signing.scheme, {
      method,
      path: pathname,
      query,
      body: body || '',
      ...(cred.signing.secret !== undefined ? { secret: cred.signing.secret } : {}),
      ...(cred.signing.privateKey !== undefined ? { privateKey: cred.signing.privateKey } : {}),
    });
    Object.assign(headers, signed.headers);
  }
}

// ---- pacing: the documented rate limits, per class and role --------------------------------

// A request counts from when its answer arrived: the server's window started no later than that.
const answered = new Map();
const paceKey = (op, role) => `${op.rateLimitClass}:${role}`;
async function pace(op, role) {
  const limits = contract.rateLimit && op.rateLimitClass && contract.rateLimit.classes[op.rateLimitClass] ? contract.rateLimit.classes[op.rateLimitClass].limits : [];
  const times = answered.get(paceKey(op, role)) || [];
  for (const { requests, per_seconds: per } of limits) {
    const inWindow = times.filter((t) => t > Date.now() - per * 1000);
    if (inWindow.length >= requests) await new Promise((r) => setTimeout(r, inWindow[inWindow.length - requests] + per * 1000 - Date.now() + 20));
  }
}
function markAnswered(op, role) {
  const times = answered.get(paceKey(op, role)) || [];
  times.push(Date.now());
  answered.set(paceKey(op, role), times.slice(-1000));
}

// ---- set-up steps --------------------------------------------------------------------------

const interpolate = (text) => text.replace(/\{([^}]+)\}/g, (_m, n) => encodeURIComponent(String(stash[n])));

async function runStep(step) {
  if ('control' in step) {
    const res = await fetch(controlUrl + interpolate(step.control), {
      method: step.method || 'GET',
      headers: { 'Content-Type': 'application/json' },
      ...(step.body !== undefined ? { body: JSON.stringify(step.body) } : {}),
    });
    capture(await res.text(), step.capture);
    return;
  }
  const op = contract.operations.find((o) => o.operationId === step.operation);
  const basePath = new URL(endpoint).pathname.replace(/\/$/, '');
  const fullPath = basePath + buildPath(op, op.path, step.path);
  const body = step.body === undefined ? '' : JSON.stringify(step.body);
  const headers = { Accept: 'application/json', ...(body ? { 'Content-Type': 'application/json' } : {}) };
  const role = roleOf(op);
  await pace(op, role); // before signing: a wait must not age the signature
  authorize(op, role, op.method.toUpperCase(), fullPath, body, headers);
  const res = await fetch(new URL(endpoint).origin + fullPath, { method: op.method.toUpperCase(), headers, ...(body ? { body } : {}) });
  const text = await res.text();
  markAnswered(op, role);
  capture(text, step.capture);
}

// ---- the hooks -----------------------------------------------------------------------------

hooks.beforeEach((t, done) => {
  (async () => {
    const op = operationOf(t);
    const status = Number(t.expected.statusCode);
    if (!op || op.status === 'planned' || (data.skip || {})[op.operationId] || status < 200 || status > 299 || tested.has(op.operationId)) {
      t.skip = true;
      return;
    }
    tested.add(op.operationId);
    const steps = (data.before || {})[op.operationId] || [];
    if (steps.some((s) => 'control' in s) && !controlUrl) {
      t.skip = true;
      return;
    }
    for (const step of steps) await runStep(step);

    const inputs = (data.inputs || {})[op.operationId] || {};
    const [fullPathOnly, query] = t.fullPath.split('?');
    const basePath = fullPathOnly.slice(0, fullPathOnly.length - t.request.uri.split('?')[0].length);
    const opPath = buildPath(op, fullPathOnly, inputs.path);
    t.fullPath = basePath + opPath + (query !== undefined ? `?${query}` : '');
    t.request.uri = opPath + (query !== undefined ? `?${query}` : '');
    if (inputs.body && t.request.body) {
      const body = JSON.parse(t.request.body);
      for (const [pointer, source] of Object.entries(inputs.body)) setPointer(body, pointer, valueOf(source));
      t.request.body = JSON.stringify(body, null, 2);
    }
    const required = requiredHeaders(op, status);
    for (const name of Object.keys(t.expected.headers || {})) if (name.toLowerCase() !== 'content-type' && !required.has(name.toLowerCase())) delete t.expected.headers[name];

    const role = roleOf(op);
    await pace(op, role); // before signing: a wait must not age the signature
    authorize(op, role, t.request.method, t.fullPath, t.request.body, t.request.headers);
    t.accordRole = role;
  })().then(
    () => done(),
    (err) => {
      t.fail = `accord hooks: ${err.message}`;
      done();
    },
  );
});

hooks.afterEach((t, done) => {
  const op = operationOf(t);
  if (op && t.accordRole) markAnswered(op, t.accordRole);
  if (op && !t.skip && t.real) capture(t.real.body, (data.captures || {})[op.operationId]);
  done();
});
