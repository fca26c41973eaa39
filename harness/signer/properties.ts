/**
 * Property cases: requests drawn by fast-check (methods, percent-encoded paths and trailing slashes,
 * repeated and unsorted query keys, empty values, empty/binary/multi-megabyte bodies, Unicode), each
 * giving a sign case, a verify case that must pass and a generated negative (tampered byte, stale,
 * future, wrong key, truncated signature, duplicated header) whose verdict the engine decides.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import type { SchemeDeclaration } from '../../signing/types.ts';
import { ed25519FromSeed, expectSign, expectVerify } from './expect.ts';
import { sentAlong } from './sent-along.ts';
import type { SignCase, SignRequest, Stage, VerifyCase, VerifyRequest, WireHeaders } from './types.ts';

export const MUTATIONS = ['tampered-byte', 'stale', 'future', 'wrong-key', 'truncated-signature', 'duplicated-header'] as const;
export type Mutation = (typeof MUTATIONS)[number];

export interface Spec {
  method: string;
  path: string;
  query: string;
  body: Uint8Array;
  timestamp: number;
  /** HMAC secret text, or 32 hex-encoded seed bytes of an Ed25519 key. */
  key: string;
  /** verifier clock offset within the window, for the positive verify case. */
  skew: number;
  lowercaseHeaders: boolean;
  mutation: Mutation;
  /** Picks where a mutation lands (byte offset, part, cut length). */
  pick: number;
  n: number;
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
const SEGMENT_CHARS = [...'abcxyz0189-._~', '%20', '%2F', '%C3%A9', '%F0%9F%8E%81', '%25', '+', '@', ':', '!'];
const KEY_WORDS = ['a', 'b', 'B', 'tag', 'page', 'per_page', 'category_id', 'Z', '_', 'a%20b', 'caf%C3%A9', 'é', 'ü', '😀', '\uE000', 'a.b', 'a[]', ''];
const VALUE_CHARS = [...'xyz019', '%20', '+', '%2B', '%26', '=', 'é', '🎁', '-', '.', '~', '%'];

const segment = fc.array(fc.constantFrom(...SEGMENT_CHARS), { minLength: 1, maxLength: 6 }).map((c) => c.join(''));
const path = fc
  .tuple(fc.array(segment, { minLength: 0, maxLength: 5 }), fc.boolean())
  .map(([segs, slash]) => (segs.length === 0 ? '/' : `/${segs.join('/')}${slash ? '/' : ''}`));

const pair = fc
  .tuple(fc.constantFrom(...KEY_WORDS), fc.oneof(fc.constant(null), fc.array(fc.constantFrom(...VALUE_CHARS), { maxLength: 5 }).map((c) => c.join(''))))
  .map(([k, v]) => (v === null ? k : `${k}=${v}`));
const query = fc
  .tuple(fc.array(pair, { maxLength: 8 }), fc.boolean(), fc.boolean())
  .map(([pairs, leadingQ, emptyPair]) => `${leadingQ ? '?' : ''}${(emptyPair ? [...pairs, ''] : pairs).join('&')}`);

/** Cheap deterministic bytes for multi-megabyte bodies (drawing each byte with fast-check would be slow). */
function filler(size: number, seed: number): Uint8Array {
  const out = Buffer.allocUnsafe(size);
  let x = seed | 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const jsonText = fc.jsonValue().map((v) => JSON.stringify({ data: v }));
// JSON as senders write it: indented, spaced, with 500.00 (a re-serializing signer changes these bytes).
const prettyJson = fc.tuple(fc.jsonValue(), fc.constantFrom(2, 4, '\t')).map(([v, indent]) => JSON.stringify({ data: v, total_amount: '{AMOUNT}' }, null, indent).replace('"{AMOUNT}"', '500.00'));
const unicodeText = fc.string({ unit: 'grapheme', maxLength: 60 }).map((s) => JSON.stringify({ note: s, emoji: '👩🏽‍💻 ギフト Zoë' }));
// About 1 body in 250 is 2 to 3 MB: enough to catch a line or buffer limit, few enough to stay fast.
const body = fc.oneof(
  { weight: 75, arbitrary: fc.constant(new Uint8Array(0)) },
  { weight: 50, arbitrary: jsonText.map((s) => Buffer.from(s, 'utf8')) },
  { weight: 35, arbitrary: prettyJson.map((s) => Buffer.from(s, 'utf8')) },
  { weight: 35, arbitrary: unicodeText.map((s) => Buffer.from(s, 'utf8')) },
  { weight: 55, arbitrary: fc.uint8Array({ maxLength: 300 }) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 2 << 20, max: 3 << 20 }), fc.integer()).map(([size, seed]) => filler(size, seed)) },
);

const printable = fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: 8, maxLength: 64 });
const ED25519_SEEDS = Array.from({ length: 8 }, (_, i) => createHash('sha256').update(`accord check-signer test-only ed25519 seed ${i}`).digest('hex'));
const hex64 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex'));

export function specArbitrary(scheme: SchemeDeclaration): fc.Arbitrary<Spec> {
  // SIR Giving issues 64-hex secrets used as text. Ed25519 keys come from a pool of seeds: parsing a
  // new PEM costs more than the signature, and more keys would not find more bugs.
  const key = scheme.key === 'private-key' ? fc.constantFrom(...ED25519_SEEDS) : scheme.provider === 'sirgiving' ? hex64 : printable;
  const window = scheme.windowSeconds ?? 86_400;
  return fc.record({
    method: fc.tuple(fc.constantFrom(...METHODS), fc.boolean()).map(([m, lower]) => (lower ? m.toLowerCase() : m)),
    path,
    query,
    body,
    timestamp: fc.integer({ min: 1_000_000_000, max: 2_000_000_000 }),
    key,
    skew: fc.integer({ min: -window, max: window }),
    lowercaseHeaders: fc.boolean(),
    mutation: fc.constantFrom(...MUTATIONS),
    pick: fc.nat(),
    n: fc.nat({ max: 999_999 }),
  });
}

function keyFields(scheme: SchemeDeclaration, key: string): { sign: Pick<SignRequest, 'secret' | 'private_key_pem'>; verify: (k: string[]) => Pick<VerifyRequest, 'secrets' | 'public_keys_pem'> } {
  if (scheme.key === 'secret') return { sign: { secret: key }, verify: (k) => ({ secrets: k }) };
  return {
    sign: { private_key_pem: ed25519FromSeed(Buffer.from(key, 'hex')).privateKeyPem },
    verify: (k) => ({ public_keys_pem: k.map((s) => ed25519FromSeed(Buffer.from(s, 'hex')).publicKeyPem) }),
  };
}

/** Another key of the same kind. */
function otherKey(key: string): string {
  return key.slice(0, -1) + (key.endsWith('0') ? '1' : '0');
}

function renamed(headers: Record<string, string>, lower: boolean): Record<string, string> {
  return lower ? Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])) : headers;
}

/** Replaces the character at `at` of `text` with another one that is safe in the same place. */
function changeChar(text: string, at: number): string {
  const chars = Array.from(text); // code points: never split a surrogate pair
  const i = at % chars.length;
  chars[i] = chars[i] === 'a' ? 'b' : 'a';
  return chars.join('');
}

export interface PropertyCases {
  sign: SignCase;
  verify: VerifyCase;
  negative: VerifyCase;
}

/** The three cases of one drawn spec; every expectation is the engine's. */
export function casesFromSpec(scheme: SchemeDeclaration, spec: Spec, label: string): PropertyCases {
  const timed = scheme.windowSeconds !== null;
  const body = Buffer.from(spec.body.buffer, spec.body.byteOffset, spec.body.byteLength);
  const keys = keyFields(scheme, spec.key);
  const along = sentAlong(scheme, String(spec.n), scheme.key === 'secret' ? spec.key : undefined);
  const request: SignRequest = {
    id: '',
    op: 'sign',
    scheme: scheme.id,
    method: spec.method,
    path: spec.path,
    query: spec.query,
    body_base64: body.toString('base64'),
    timestamp: timed ? spec.timestamp : null,
    headers: along,
    ...keys.sign,
  };
  const expected = expectSign(scheme, request);
  const signCase: SignCase = { kind: 'sign', group: 'properties', name: `${label} sign`, request, expected };

  const sent = { ...along, ...expected.headers };
  const base: VerifyRequest = {
    id: '',
    op: 'verify',
    scheme: scheme.id,
    method: spec.method,
    path: spec.path,
    query: spec.query,
    headers: renamed(sent, spec.lowercaseHeaders),
    body_base64: request.body_base64,
    now: spec.timestamp + spec.skew,
    ...keys.verify(spec.pick % 3 === 0 ? [otherKey(spec.key), spec.key] : [spec.key]),
  };
  const verifyCase: VerifyCase = { kind: 'verify', group: 'properties', name: `${label} verify`, request: base, expected: 'valid', stage: 'verdict' };

  const { request: tampered, stage, what } = mutate(scheme, spec, base, sent, body, keys.verify);
  const negative: VerifyCase = { kind: 'verify', group: 'negatives', name: `${label} ${spec.mutation} (${what})`, request: tampered, expected: expectVerify(scheme, tampered), stage };
  return { sign: signCase, verify: verifyCase, negative };
}

function mutate(
  scheme: SchemeDeclaration,
  spec: Spec,
  base: VerifyRequest,
  sent: Record<string, string>,
  body: Buffer,
  verifyKeys: (k: string[]) => Pick<VerifyRequest, 'secrets' | 'public_keys_pem'>,
): { request: VerifyRequest; stage: Stage; what: string } {
  const window = scheme.windowSeconds ?? 86_400;
  const out: VerifyRequest = { ...base, headers: { ...sent }, now: spec.timestamp, ...verifyKeys([spec.key]) };
  const sig = scheme.signatureHeader;
  switch (spec.mutation) {
    case 'tampered-byte': {
      const parts = scheme.binds.filter((b) => b !== 'timestamp');
      const part = parts[spec.pick % parts.length]!;
      if (part === 'body') {
        const copy = Buffer.from(body.length ? body : Buffer.from('x'));
        const at = spec.pick % copy.length;
        if (body.length) copy[at] = copy[at]! ^ (1 << spec.pick % 8);
        out.body_base64 = copy.toString('base64');
        return { request: out, stage: scheme.canonical === 'five-line' ? 'body hash' : 'canonical string', what: 'body byte' };
      }
      if (part === 'path') {
        out.path = spec.path.length > 1 ? changeChar(spec.path, 1 + (spec.pick % (spec.path.length - 1))) : '/a';
        return { request: out, stage: 'canonical string', what: 'path' };
      }
      if (part === 'query') {
        out.query = spec.query.length ? changeChar(spec.query, spec.pick % spec.query.length) : 'a=1';
        return { request: out, stage: 'canonical string', what: 'query' };
      }
      out.method = spec.method.toUpperCase() === 'POST' ? 'PUT' : 'POST';
      return { request: out, stage: 'canonical string', what: 'method' };
    }
    case 'stale':
      out.now = spec.timestamp + window + 1 + (spec.pick % 100_000);
      return { request: out, stage: 'timestamp', what: `verifier clock ${out.now - spec.timestamp} s later` };
    case 'future':
      out.now = spec.timestamp - window - 1 - (spec.pick % 100_000);
      return { request: out, stage: 'timestamp', what: `verifier clock ${spec.timestamp - out.now} s earlier` };
    case 'wrong-key':
      Object.assign(out, verifyKeys([otherKey(spec.key)]));
      return { request: out, stage: 'signature', what: 'verified with another key' };
    case 'truncated-signature': {
      const value = sent[sig]!;
      const cut = 1 + (spec.pick % 20);
      out.headers = { ...sent, [sig]: value.slice(0, value.length - cut) };
      return { request: out, stage: 'header layout', what: `${sig} cut by ${cut} characters` };
    }
    case 'duplicated-header': {
      // A repeated v1-list header is two v1= entries (valid); repeat the timestamp header there.
      const name = scheme.signatureFormat === 'v1' && scheme.timestampHeader ? scheme.timestampHeader : sig;
      out.headers = { ...sent, [name]: [sent[name]!, sent[name]!] } as WireHeaders;
      return { request: out, stage: 'header layout', what: `${name} sent twice` };
    }
  }
}
