/**
 * Names the stage where a signer's answer parts from the engine's: header layout, timestamp,
 * canonical string (which line or part), body hash, signature. Uses the signer's intermediates
 * when it reports them; otherwise tries the classic bugs' canonical strings and keys against the
 * signature it sent, so a black-box signer is diagnosed too.
 */
import { createHmac, createPrivateKey, sign as edSign } from 'node:crypto';
import { sha256Hex, sortedQuery } from '../../signing/canonical.ts';
import type { SchemeDeclaration } from '../../signing/types.ts';
import { bodyOf } from './expect.ts';
import type { Mismatch, SignAnswer, SignCase, VerifyCase, VerifyAnswer } from './types.ts';

const FIVE_LINES = ['METHOD', 'PATH', 'SORTED_QUERY', 'SHA256_HEX(body)', 'TIMESTAMP'];

/** A value for display: JSON-quoted, cut around `at` when long. */
export function show(text: string, at = 0, width = 160): string {
  if (text.length <= width) return JSON.stringify(text);
  const from = Math.max(0, Math.min(at - width / 4, text.length - width));
  return `${from > 0 ? '…' : ''}${JSON.stringify(text.slice(from, from + width))}${from + width < text.length ? `… (${text.length} chars)` : ''}`;
}

function headerOf(headers: Record<string, string> | undefined, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
  const value = key === undefined ? undefined : headers[key];
  return typeof value === 'string' ? value : value === undefined ? undefined : String(value);
}

/** The signature and `t=` a header value carries, if its layout is the scheme's. */
function parseLayout(scheme: SchemeDeclaration, value: string): { signature: string; t?: string } | undefined {
  const sig = scheme.encoding === 'hex' ? '[0-9A-Fa-f]{64}' : '[A-Za-z0-9+/]{86}==';
  const m =
    scheme.signatureFormat === 't-v1'
      ? new RegExp(`^t=([^,]*),v1=(${sig})$`).exec(value)
      : scheme.signatureFormat === 'v1'
        ? new RegExp(`^()v1=(${sig})$`).exec(value)
        : new RegExp(`^()(${sig})$`).exec(value);
  if (!m) return undefined;
  return scheme.signatureFormat === 't-v1' ? { signature: m[2]!, t: m[1]! } : { signature: m[2]! };
}

function timestampHint(expected: string, received: string): string {
  const e = Number(expected);
  const r = Number(received);
  if (Number.isFinite(r) && Math.abs(r / 1000 - e) < 5) return 'milliseconds instead of unix seconds';
  if (!/^[0-9]+$/.test(received)) return 'the timestamp must be decimal unix seconds';
  if (Math.abs(r - Date.now() / 1000) < 600) return "the signer read its own clock instead of the timestamp it was given (use the request's timestamp)";
  return 'sign and send the timestamp you were given, as decimal unix seconds';
}

function firstDiff(a: Buffer, b: Buffer): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return n;
}

/** Which canonical line or part differs, with both values. */
function canonicalMismatch(scheme: SchemeDeclaration, c: SignCase, received: Buffer): Mismatch {
  const expected = c.expected.canonical;
  if (scheme.canonical === 'five-line') {
    const want = expected.toString('utf8').split('\n');
    const got = received.toString('utf8').split('\n');
    for (let i = 0; i < Math.max(want.length, got.length); i++) {
      if (want[i] === got[i]) continue;
      const name = FIVE_LINES[i] ?? 'extra line';
      const stage = i === 3 ? 'body hash' : i === 4 ? 'timestamp' : 'canonical string';
      const hint =
        i === 2 ? sortedQueryHint(want[i] ?? '', got[i] ?? '') : i === 1 && (got[i] ?? '').includes('?') ? 'PATH carries the query: sign the path alone, the query goes in SORTED_QUERY' : i === 0 ? 'METHOD is the uppercase HTTP method' : undefined;
      return { stage, where: `canonical line ${i + 1} (${name})`, expected: show(want[i] ?? '(no line)'), received: show(got[i] ?? '(no line)'), ...(hint ? { hint } : {}) };
    }
    return { stage: 'canonical string', where: 'line endings', expected: show(expected.toString('utf8')), received: show(received.toString('utf8')) };
  }
  const at = firstDiff(expected, received);
  const text = (b: Buffer) => b.toString('utf8');
  return {
    stage: 'canonical string',
    where: `${partAt(scheme, c, at)} (byte ${at} of the ${scheme.canonical} bytes)`,
    expected: show(text(expected), at),
    received: show(text(received), at),
    hint: `the signed bytes are ${CANONICAL_TEXT[scheme.canonical]}`,
  };
}

const CANONICAL_TEXT = {
  'five-line': 'METHOD \\n PATH \\n SORTED_QUERY \\n SHA256_HEX(body) \\n TIMESTAMP',
  concat: 'TIMESTAMP + METHOD + PATH + raw body, no separators',
  'timestamp-dot-body': 'TIMESTAMP + "." + raw body',
  'body-only': 'the raw body',
} as const;

/** Which part of a separator-less canonical string byte `at` falls in. */
function partAt(scheme: SchemeDeclaration, c: SignCase, at: number): string {
  const ts = Buffer.byteLength(c.expected.timestamp);
  const parts: Array<[string, number]> =
    scheme.canonical === 'concat'
      ? [['TIMESTAMP', ts], ['METHOD', c.request.method.length], ['PATH', Buffer.byteLength(c.request.path)]]
      : scheme.canonical === 'timestamp-dot-body'
        ? [['TIMESTAMP', ts], ['"."', 1]]
        : [];
  let end = 0;
  for (const [name, length] of parts) {
    end += length;
    if (at < end) return name;
  }
  return 'raw body';
}

function sortedQueryHint(want: string, got: string): string {
  const norm = (s: string) => s.split('&').sort().join('&');
  if (norm(want) === norm(got)) return 'the pairs are right but in the wrong order: sort by key in UTF-8 byte order, stably (repeated keys keep their wire order)';
  if (got.includes(' ') || decodeURIComponentSafe(want) === got) return 'values were percent-decoded or re-encoded: keep keys and values exactly as on the wire';
  return 'SORTED_QUERY is the wire query split on &, empty pairs dropped, sorted by key, values untouched';
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

function signBytes(scheme: SchemeDeclaration, key: string, bytes: Buffer, privatePem?: string): string {
  if (scheme.algorithm === 'hmac-sha256') return createHmac('sha256', key).update(bytes).digest('hex');
  return edSign(null, bytes, createPrivateKey(privatePem!)).toString('base64');
}

/** The classic wrong canonical strings, for a signer that does not report its own. */
function suspects(scheme: SchemeDeclaration, c: SignCase): Array<{ mismatch: Mismatch; bytes: Buffer }> {
  const r = c.request;
  const body = bodyOf(r);
  const method = r.method.toUpperCase();
  const ts = c.expected.timestamp;
  const out: Array<{ mismatch: Mismatch; bytes: Buffer }> = [];
  const json = (() => {
    try {
      const text = JSON.stringify(JSON.parse(body.toString('utf8')));
      return text === body.toString('utf8') ? undefined : Buffer.from(text, 'utf8');
    } catch {
      return undefined;
    }
  })();
  if (scheme.canonical === 'five-line') {
    const line = (m: string, p: string, q: string, b: Buffer) => Buffer.from(`${m}\n${p}\n${q}\n${sha256Hex(b)}\n${ts}`, 'utf8');
    const wire = r.query.startsWith('?') ? r.query.slice(1) : r.query;
    const unsorted = wire.split('&').filter(Boolean).join('&');
    for (const q of new Set([wire, unsorted])) {
      if (q === c.expected.sortedQuery) continue;
      out.push({ bytes: line(method, r.path, q, body), mismatch: { stage: 'canonical string', where: 'canonical line 3 (SORTED_QUERY)', expected: show(c.expected.sortedQuery ?? ''), received: show(q), hint: 'the query was signed in wire order: sort the pairs by key' } });
    }
    const decoded = sortedQuery(decodeURIComponentSafe(wire));
    if (decoded !== c.expected.sortedQuery) {
      out.push({ bytes: line(method, r.path, decoded, body), mismatch: { stage: 'canonical string', where: 'canonical line 3 (SORTED_QUERY)', expected: show(c.expected.sortedQuery ?? ''), received: show(decoded), hint: 'values were percent-decoded: keep them as on the wire' } });
    }
    if (wire) {
      const carried = `${r.path}?${wire}`;
      out.push({ bytes: line(method, carried, c.expected.sortedQuery ?? '', body), mismatch: { stage: 'canonical string', where: 'canonical line 2 (PATH)', expected: show(r.path), received: show(carried), hint: 'PATH carries the query: sign the path alone' } });
      out.push({ bytes: line(method, carried, '', body), mismatch: { stage: 'canonical string', where: 'canonical line 2 (PATH)', expected: show(r.path), received: show(carried), hint: 'PATH carries the query: sign the path alone, the sorted query on line 3' } });
    }
    if (json) {
      out.push({ bytes: line(method, r.path, c.expected.sortedQuery ?? '', json), mismatch: { stage: 'body hash', where: 'canonical line 4 (SHA256_HEX(body))', expected: sha256Hex(body), received: sha256Hex(json), hint: 'the hash is of re-serialized JSON: hash the raw body bytes as sent' } });
    }
  } else if (scheme.canonical === 'concat' && r.query) {
    const wire = r.query.startsWith('?') ? r.query.slice(1) : r.query;
    const carried = `${r.path}?${wire}`;
    out.push({ bytes: Buffer.concat([Buffer.from(`${ts}${method}${carried}`), body]), mismatch: { stage: 'canonical string', where: 'PATH', expected: show(r.path), received: show(carried), hint: 'PATH carries the query: sign the path alone' } });
  }
  if (json && scheme.canonical !== 'five-line') {
    const prefix = scheme.canonical === 'concat' ? `${ts}${method}${r.path}` : scheme.canonical === 'timestamp-dot-body' ? `${ts}.` : '';
    out.push({ bytes: Buffer.concat([Buffer.from(prefix), json]), mismatch: { stage: 'canonical string', where: 'raw body', expected: show(body.toString('utf8')), received: show(json.toString('utf8')), hint: 'the signed body is re-serialized JSON: sign the raw body bytes as sent' } });
  }
  return out;
}

/** The first stage where the signer's answer differs from the engine's, or undefined if none. */
export function diagnoseSign(scheme: SchemeDeclaration, c: SignCase, answer: SignAnswer): Mismatch | undefined {
  if (answer.error !== undefined) return { stage: 'protocol', expected: 'a signed answer', received: `error: ${String(answer.error).slice(0, 300)}` };
  const sigName = scheme.signatureHeader;
  const sigValue = headerOf(answer.headers, sigName);
  const expectedValue = c.expected.headers[sigName]!;
  if (sigValue === undefined) {
    return { stage: 'header layout', where: sigName, expected: `${sigName}: ${expectedValue}`, received: `no ${sigName} header (got ${Object.keys(answer.headers ?? {}).join(', ') || 'no headers'})` };
  }
  const parsed = parseLayout(scheme, sigValue);
  if (!parsed) {
    const hexUpper = scheme.encoding === 'hex' && sigValue.toLowerCase() === expectedValue.toLowerCase();
    return { stage: hexUpper ? 'signature' : 'header layout', where: sigName, expected: show(expectedValue), received: show(sigValue), hint: `the layout is ${layoutText(scheme)}` };
  }
  // Timestamp: in t= and/or its own header.
  const want = c.expected.timestamp;
  if (scheme.timestampHeader) {
    const got = headerOf(answer.headers, scheme.timestampHeader);
    if (got === undefined) return { stage: 'header layout', where: scheme.timestampHeader, expected: `${scheme.timestampHeader}: ${want}`, received: `no ${scheme.timestampHeader} header` };
    if (got !== want) return { stage: 'timestamp', where: scheme.timestampHeader, expected: want, received: show(got), hint: timestampHint(want, got) };
  }
  if (parsed.t !== undefined && parsed.t !== want) return { stage: 'timestamp', where: `${sigName} t=`, expected: want, received: show(parsed.t), hint: timestampHint(want, parsed.t) };

  if (parsed.signature !== c.expected.signature && parsed.signature.toLowerCase() === c.expected.signature) {
    return { stage: 'signature', where: `${sigName} encoding`, expected: c.expected.signature, received: parsed.signature, hint: 'uppercase hex: emit lowercase hex (the same bytes, but the docs say lowercase)' };
  }
  // The signer's own intermediates, when it reports them.
  if (answer.body_sha256 !== undefined && c.expected.bodySha256 !== undefined && answer.body_sha256 !== c.expected.bodySha256) {
    return { stage: 'body hash', where: 'body_sha256', expected: c.expected.bodySha256, received: show(answer.body_sha256), hint: 'hash the raw body bytes as sent (not re-serialized JSON), lowercase hex' };
  }
  const reported = answer.canonical_base64 !== undefined ? Buffer.from(answer.canonical_base64, 'base64') : answer.canonical !== undefined ? Buffer.from(answer.canonical, 'utf8') : undefined;
  if (reported && !reported.equals(c.expected.canonical)) return canonicalMismatch(scheme, c, reported);
  if (answer.sorted_query !== undefined && c.expected.sortedQuery !== undefined && answer.sorted_query !== c.expected.sortedQuery) {
    return { stage: 'canonical string', where: 'canonical line 3 (SORTED_QUERY)', expected: show(c.expected.sortedQuery), received: show(answer.sorted_query), hint: sortedQueryHint(c.expected.sortedQuery, answer.sorted_query) };
  }
  if (parsed.signature === c.expected.signature) return undefined;

  // The signature differs and the signer did not say why: try the classic bugs.
  const key = c.request.secret ?? '';
  const privatePem = c.request.private_key_pem;
  if (!reported) {
    for (const s of suspects(scheme, c)) if (signBytes(scheme, key, s.bytes, privatePem) === parsed.signature) return s.mismatch;
  }
  if (scheme.algorithm === 'hmac-sha256') {
    for (const [name, value] of Object.entries(c.request.headers)) {
      if (value && value !== key && signBytes(scheme, value, reported ?? c.expected.canonical) === parsed.signature.toLowerCase()) {
        return { stage: 'signature', where: 'key', expected: `HMAC keyed with ${scheme.keyName}`, received: `HMAC keyed with the ${name} header's value`, hint: `${name} is a credential sent along, never the HMAC key: sign with ${scheme.keyName}` };
      }
    }
  }
  return {
    stage: 'signature',
    where: sigName,
    expected: c.expected.signature,
    received: parsed.signature,
    hint: reported ? `the canonical bytes match: check the key (${scheme.keyName}) and the ${scheme.encoding} encoding` : scheme.mismatchHint,
  };
}

function layoutText(scheme: SchemeDeclaration): string {
  const sig = scheme.encoding === 'hex' ? '<64 lowercase hex>' : '<padded base64 of 64 bytes>';
  return scheme.signatureFormat === 't-v1' ? `t=<unix seconds>,v1=${sig}` : scheme.signatureFormat === 'v1' ? `v1=${sig}` : sig;
}

/** A verifier's verdict against the engine's. */
export function diagnoseVerify(c: VerifyCase, answer: VerifyAnswer): Mismatch | undefined {
  if (answer.valid === undefined) return { stage: 'protocol', expected: 'a verdict ({"valid": true|false})', received: answer.error !== undefined ? `error: ${String(answer.error).slice(0, 300)}` : 'no "valid" field' };
  if (c.expected === 'valid') {
    if (answer.valid === true) return undefined;
    const stage = answer.error === 'timestamp_out_of_window' ? 'timestamp' : answer.error === 'missing_header' || answer.error === 'malformed_header' ? 'header layout' : 'signature';
    return { stage, where: 'verdict', expected: 'valid', received: `refused${answer.error ? ` (${String(answer.error).slice(0, 80)})` : ''}`, hint: 'a correctly signed request was refused' };
  }
  if (answer.valid === true) return { stage: c.stage, where: 'verdict', expected: `refused (${c.expected})`, received: 'valid', hint: 'a tampered or stale request was accepted' };
  if (typeof answer.error === 'string' && KNOWN_CODES.has(answer.error) && answer.error !== c.expected) {
    return { stage: c.stage, where: 'error code', expected: c.expected, received: answer.error, hint: 'refused for another reason: check in the order of specs/VECTORS.md' };
  }
  return undefined;
}

const KNOWN_CODES = new Set(['missing_header', 'malformed_header', 'timestamp_out_of_window', 'signature_mismatch', 'invalid_key']);
