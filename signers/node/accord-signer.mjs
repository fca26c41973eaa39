/**
 * accord reference signer for Node (>= 18): sign and verify every request and webhook scheme of
 * Starship Rewards, iStar, SIR Giving and ODM. One dependency-free file on node:crypto: copy it.
 *
 *   import { sign, verify } from './accord-signer.mjs';
 *   const { headers } = sign('starship-hmac-v1', {
 *     method: 'GET', path: '/api/v1/products', query: 'per_page=50&category_id=1',
 *     body: '', timestamp: Math.floor(Date.now() / 1000), secret: process.env.STARSHIP_SIGNING_SECRET,
 *   });
 *   // headers: { 'X-Signature': 't=1744646400,v1=<64 hex>' }
 *
 *   verify('istar-webhook', { headers: req.headers, body: rawBody, secrets: [process.env.ISTAR_WEBHOOK_SECRET] });
 *   // returns on success, throws SignatureError with .code (missing_header, malformed_header,
 *   // timestamp_out_of_window, signature_mismatch) otherwise
 *
 * `node accord-signer.mjs serve` speaks accord's check-signer protocol (specs/VECTORS.md):
 *   npx accord check-signer --scheme starship-hmac-v1 --command 'node accord-signer.mjs serve'
 */
import { createHash, createHmac, createPrivateKey, createPublicKey, sign as edSign, timingSafeEqual, verify as edVerify } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The schemes, as data: which canonical form, which algorithm, which headers in which layout. */
export const SCHEMES = {
  'starship-hmac-v1': { canonical: 'five-line', alg: 'hmac', sig: 'X-Signature', layout: 't-v1', window: 300 },
  'starship-hmac-concat': { canonical: 'concat', alg: 'hmac', sig: 'X-Signature', layout: 't-v1', ts: 'X-Timestamp', window: 300 },
  'starship-webhook': { canonical: 'timestamp-dot-body', alg: 'hmac', sig: 'X-Starship-Signature', layout: 't-v1', window: 300 },
  'istar-webhook': { canonical: 'body-only', alg: 'hmac', sig: 'X-iStar-Signature', layout: 'plain', window: null },
  'sirgiving-hmac': { canonical: 'five-line', alg: 'hmac', sig: 'X-Signature', layout: 'plain', ts: 'X-Timestamp', identity: 'X-Partner-Key', window: 300 },
  'sirgiving-webhook': { canonical: 'timestamp-dot-body', alg: 'hmac', sig: 'X-SIR-Signature', layout: 'v1', ts: 'X-SIR-Timestamp', window: 300 },
  'odm-ed25519': { canonical: 'five-line', alg: 'ed25519', sig: 'X-Signature', layout: 'plain', ts: 'X-Timestamp', identity: 'X-API-Key', window: 300 },
  'odm-callback': { canonical: 'timestamp-dot-body', alg: 'ed25519', sig: 'X-ODM-Signature', layout: 'plain', ts: 'X-ODM-Timestamp', window: 300 },
};

const REQUEST_FORMS = new Set(['five-line', 'concat']);

export class SignatureError extends Error {
  constructor(code, message) {
    super(`${code}: ${message}`);
    this.code = code;
  }
}

/** Query pairs sorted by key (UTF-8 byte order, stable), values exactly as on the wire. */
export function sortedQuery(query = '') {
  const pairs = (query.startsWith('?') ? query.slice(1) : query).split('&').filter((p) => p !== '');
  const key = (p) => Buffer.from(p.split('=', 1)[0], 'utf8');
  return pairs.map((p) => [key(p), p]).sort((a, b) => Buffer.compare(a[0], b[0])).map(([, p]) => p).join('&');
}

/** One builder per canonical form: the exact bytes to sign. */
const CANONICAL = {
  'five-line': (r) => Buffer.from(`${r.method}\n${r.path}\n${sortedQuery(r.query)}\n${createHash('sha256').update(r.body).digest('hex')}\n${r.timestamp}`),
  concat: (r) => Buffer.concat([Buffer.from(`${r.timestamp}${r.method}${r.path}`), r.body]),
  'timestamp-dot-body': (r) => Buffer.concat([Buffer.from(`${r.timestamp}.`), r.body]),
  'body-only': (r) => r.body,
};

// Parsing a PEM costs more than an Ed25519 signature: keep the parsed keys.
const KEYS = new Map();
const keyOf = (pem, parse) => KEYS.get(pem) ?? (KEYS.size > 64 && KEYS.clear(), KEYS.set(pem, parse(pem)).get(pem));

function schemeOf(id) {
  const s = SCHEMES[id];
  if (!s) throw new SignatureError('unknown_scheme', `unknown scheme ${id}`);
  return s;
}

function canonicalBytes(s, { method = 'GET', path = '', query = '', body = '' }, timestamp) {
  if (REQUEST_FORMS.has(s.canonical) && (!path.startsWith('/') || /[?#]/.test(path))) {
    throw new SignatureError('invalid_input', 'path must start with "/" and carry no query: pass the query separately');
  }
  return CANONICAL[s.canonical]({ method: method.toUpperCase(), path, query, body: Buffer.from(body), timestamp });
}

/** Signs; `timestamp` is unix seconds (default now). Returns the headers to send and the canonical bytes. */
export function sign(schemeId, { timestamp = Math.floor(Date.now() / 1000), secret, privateKeyPem, ...request }) {
  const s = schemeOf(schemeId);
  const ts = s.window === null ? '' : String(timestamp);
  const canonical = canonicalBytes(s, request, ts);
  const signature =
    s.alg === 'hmac' ? createHmac('sha256', secret).update(canonical).digest('hex') : edSign(null, canonical, keyOf(privateKeyPem, createPrivateKey)).toString('base64');
  const headers = {};
  if (s.ts) headers[s.ts] = ts;
  headers[s.sig] = s.layout === 't-v1' ? `t=${ts},v1=${signature}` : s.layout === 'v1' ? `v1=${signature}` : signature;
  return { signature, headers, canonical };
}

function header(headers, name) {
  const found = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
  const value = found === undefined ? undefined : headers[found];
  return (Array.isArray(value) ? value.join(',') : (value ?? '')).trim();
}

function required(headers, name) {
  const value = header(headers, name);
  if (!value) throw new SignatureError('missing_header', `${name} is missing`);
  return value;
}

function decodeSignature(s, value) {
  const ok = s.alg === 'hmac' ? /^[0-9a-fA-F]{64}$/.test(value) : /^[A-Za-z0-9+/]{86}==$/.test(value);
  if (!ok) throw new SignatureError('malformed_header', `${s.sig}: not a ${s.alg === 'hmac' ? '64-hex' : 'base64 Ed25519'} signature`);
  return Buffer.from(value, s.alg === 'hmac' ? 'hex' : 'base64');
}

/** `t=<ts>,v1=<sig>,…` or `v1=<sig>,…`: entries split on commas; unknown keys are ignored. */
function parseList(s, value) {
  let t;
  const signatures = [];
  for (const entry of value.split(',').map((e) => e.replace(/^ +| +$/g, ''))) {
    const eq = entry.indexOf('=');
    if (eq <= 0) throw new SignatureError('malformed_header', `${s.sig}: an entry is not key=value`);
    const [key, val] = [entry.slice(0, eq), entry.slice(eq + 1)];
    if (key === 'v1') {
      if (signatures.length === 8) throw new SignatureError('malformed_header', `${s.sig}: more than 8 signatures`);
      signatures.push(decodeSignature(s, val));
    } else if (key === 't' && s.layout === 't-v1') {
      if (t !== undefined) throw new SignatureError('malformed_header', `${s.sig}: t= appears twice`);
      t = val;
    }
  }
  if (s.layout === 't-v1' && t === undefined) throw new SignatureError('malformed_header', `${s.sig}: no t=`);
  if (signatures.length === 0) throw new SignatureError('malformed_header', `${s.sig}: no v1=`);
  return { t, signatures };
}

/**
 * Verifies; throws SignatureError (checks in the order of specs/VECTORS.md) or returns the timestamp.
 * `now` is the verifier's clock in unix seconds; any of `secrets` / `publicKeysPem` may match.
 */
export function verify(schemeId, { headers, now = Math.floor(Date.now() / 1000), secrets = [], publicKeysPem = [], ...request }) {
  const s = schemeOf(schemeId);
  const keys = s.alg === 'hmac' ? secrets : publicKeysPem.map((pem) => keyOf(pem, createPublicKey));
  if (keys.length === 0) throw new SignatureError('invalid_key', 'no key configured');
  const raw = required(headers, s.sig);
  const { t, signatures } = s.layout === 'plain' ? { signatures: [decodeSignature(s, raw)] } : parseList(s, raw);
  if (s.identity) required(headers, s.identity);
  let ts = '';
  if (s.window !== null) {
    ts = t ?? required(headers, s.ts);
    if (!/^(0|[1-9][0-9]{0,14})$/.test(ts)) throw new SignatureError('malformed_header', 'the timestamp is not unix seconds');
    if (t !== undefined && s.ts && required(headers, s.ts) !== t) throw new SignatureError('malformed_header', `${s.ts} differs from t=`);
    if (Math.abs(now - Number(ts)) > s.window) throw new SignatureError('timestamp_out_of_window', `more than ${s.window} s from now`);
  }
  const canonical = canonicalBytes(s, request, ts);
  for (const key of keys) {
    for (const presented of signatures) {
      if (s.alg === 'hmac' ? timingSafeEqual(createHmac('sha256', key).update(canonical).digest(), presented) : edVerify(null, canonical, key, presented)) return Number(ts);
    }
  }
  throw new SignatureError('signature_mismatch', `${s.sig} does not match`);
}

/** One check-signer protocol request (a JSON line) to its answer. */
export function answer(req) {
  const body = Buffer.from(req.body_base64 ?? '', 'base64');
  const request = { method: req.method, path: req.path, query: req.query, body };
  try {
    if (req.op === 'sign') {
      const timestamp = req.timestamp ?? undefined;
      const out = sign(req.scheme, { ...request, timestamp, secret: req.secret, privateKeyPem: req.private_key_pem });
      return { id: req.id, signature: out.signature, headers: { ...req.headers, ...out.headers }, canonical_base64: out.canonical.toString('base64') };
    }
    if (req.op === 'verify') {
      verify(req.scheme, { ...request, headers: req.headers, now: req.now, secrets: req.secrets, publicKeysPem: req.public_keys_pem });
      return { id: req.id, valid: true };
    }
    return { id: req.id, error: `unknown op ${req.op}` };
  } catch (err) {
    return req.op === 'verify' && err.code ? { id: req.id, valid: false, error: err.code } : { id: req.id, error: err.code ?? err.message };
  }
}

/** `serve`: one JSON request per line on stdin, one JSON answer per line on stdout. */
export function serve(input = process.stdin, output = process.stdout) {
  let batch = [];
  createInterface({ input, crlfDelay: Infinity }).on('line', (line) => {
    if (!line.trim()) return;
    // The answers to one chunk of input go out in one write.
    if (batch.length === 0) setImmediate(() => output.write(batch.splice(0).join('')));
    batch.push(`${JSON.stringify(answer(JSON.parse(line)))}\n`);
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === 'serve') serve();
