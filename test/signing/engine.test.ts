import { readFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import {
  DEFAULT_TOLERANCE_SECONDS,
  EMPTY_BODY_SHA256,
  getScheme,
  SCHEMES,
  SignatureVerificationError,
  sign,
  sortedQuery,
  verify,
  type VerifyInput,
} from '../../signing/index.ts';

const SECRET = 'zz-distinctive-test-secret-4f1c9a';
const T = 1744646400;

function codeOf(run: () => unknown): string {
  try {
    run();
    return 'valid';
  } catch (err) {
    if (err instanceof SignatureVerificationError) return err.code;
    throw err;
  }
}

describe('sortedQuery', () => {
  test.each([
    { given: '', want: '' },
    { given: undefined, want: '' },
    { given: 'a=1', want: 'a=1' },
    { given: 'b=2&a=1', want: 'a=1&b=2' },
    { given: '?b=2&a=1', want: 'a=1&b=2' },
    { given: 'tag=b&a=1&tag=a', want: 'a=1&tag=b&tag=a' },
    { given: 'x=3&x=1&x=2', want: 'x=3&x=1&x=2' },
    { given: 'q=gift%20card&a=caf%C3%A9', want: 'a=caf%C3%A9&q=gift%20card' },
    { given: 'plus=a+b&b=%2B', want: 'b=%2B&plus=a+b' },
    { given: 'a=1&&b=2&', want: 'a=1&b=2' },
    { given: 'flag&a=', want: 'a=&flag' },
    { given: 'a=1=2&a=0', want: 'a=1=2&a=0' },
    { given: 'B=1&a=1&_=1', want: 'B=1&_=1&a=1' },
    { given: 'a%5B%5D=2&a=1', want: 'a=1&a%5B%5D=2' },
    { given: 'é=1&z=1', want: 'z=1&é=1' },
  ])('$given → $want', ({ given, want }) => {
    expect(sortedQuery(given)).toBe(want);
  });
});

describe('the Starship request-headers example', () => {
  test('matches the bash + openssl recipe of the docs', () => {
    const r = sign('starship-hmac-v1', { method: 'GET', path: '/api/v1/products', query: 'category_id=1&per_page=50', secret: 'your_signing_secret', timestamp: T });
    expect(r.canonical).toBe(`GET\n/api/v1/products\ncategory_id=1&per_page=50\n${EMPTY_BODY_SHA256}\n${T}`);
    // printf '%s\n%s\n%s\n%s\n%s' GET /api/v1/products 'category_id=1&per_page=50' e3b0… 1744646400 | openssl dgst -sha256 -hmac your_signing_secret
    expect(r.signature).toBe('24aae34ac0f50830d73dee87840802836f724951b2ec2693dbd321207f2cac3f');
    expect(r.headers).toEqual({ 'X-Signature': `t=${T},v1=${r.signature}` });
  });
});

describe('declarations', () => {
  test('every scheme of CONVENTIONS.md is declared once', () => {
    expect(SCHEMES.map((s) => s.id).sort()).toEqual(
      ['istar-webhook', 'odm-callback', 'odm-ed25519', 'sirgiving-hmac', 'sirgiving-webhook', 'starship-hmac-concat', 'starship-hmac-v1', 'starship-webhook'].sort(),
    );
  });
  test.each(SCHEMES.map((s) => ({ id: s.id, scheme: s })))('$id: window and bindings are coherent', ({ scheme }) => {
    expect(scheme.binds).toContain('body');
    if (scheme.id === 'istar-webhook') expect(scheme.windowSeconds).toBeNull();
    else {
      expect(scheme.windowSeconds).toBe(DEFAULT_TOLERANCE_SECONDS);
      expect(scheme.binds).toContain('timestamp');
    }
    expect(scheme.algorithm === 'ed25519').toBe(scheme.key === 'private-key');
  });
});

describe('headers are looked up case-insensitively in every shape', () => {
  const signed = sign('sirgiving-hmac', { method: 'POST', path: '/api/v1/actions', body: '{}', secret: SECRET, timestamp: T, headers: { 'X-Partner-Key': 'sk_test_x' } });
  const lower = Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), v]));
  test.each([
    { name: 'as emitted', headers: signed.headers },
    { name: 'node lowercase', headers: lower },
    { name: 'Fetch Headers', headers: new Headers(signed.headers) },
    { name: 'UPPERCASE', headers: Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k.toUpperCase(), v])) },
  ])('$name', ({ headers }) => {
    expect(verify('sirgiving-hmac', { method: 'POST', path: '/api/v1/actions', body: '{}', secret: SECRET, now: T, headers }).keyIndex).toBe(0);
  });
  test('repeated X-Signature headers (node string[]) are joined like HTTP does', () => {
    const a = sign('starship-hmac-v1', { path: '/p', secret: 'old-secret', timestamp: T });
    const b = sign('starship-hmac-v1', { path: '/p', secret: SECRET, timestamp: T });
    const headers = { 'x-signature': [a.headers['X-Signature']!, `v1=${b.signature}`] };
    expect(verify('starship-hmac-v1', { path: '/p', headers, secret: SECRET, now: T }).signatureIndex).toBe(1);
  });
});

describe('verification outcomes', () => {
  const base = (): VerifyInput => {
    const s = sign('starship-webhook', { body: '{"a":1}', secret: SECRET, timestamp: T });
    return { headers: s.headers, body: '{"a":1}', secret: SECRET, now: T };
  };
  test.each([
    { name: 'valid', change: (i: VerifyInput) => i, want: 'valid' },
    { name: 'body as bytes', change: (i: VerifyInput) => ({ ...i, body: new TextEncoder().encode('{"a":1}') }), want: 'valid' },
    { name: 'body as ArrayBuffer', change: (i: VerifyInput) => ({ ...i, body: new TextEncoder().encode('{"a":1}').buffer as ArrayBuffer }), want: 'valid' },
    { name: 'rotation: any of several secrets', change: (i: VerifyInput) => ({ ...i, secret: ['other', SECRET] }), want: 'valid' },
    { name: 'keys[] alias', change: (i: VerifyInput) => ({ ...i, secret: undefined, keys: ['other', SECRET] }), want: 'valid' },
    { name: 'tolerance override', change: (i: VerifyInput) => ({ ...i, now: T + 400, toleranceSeconds: 600 }), want: 'valid' },
    { name: 'no secret', change: (i: VerifyInput) => ({ ...i, secret: undefined }), want: 'invalid_key' },
    { name: 'empty secret', change: (i: VerifyInput) => ({ ...i, secret: '' }), want: 'invalid_key' },
    { name: 'now not a number', change: (i: VerifyInput) => ({ ...i, now: Number.NaN }), want: 'invalid_input' },
    { name: 'more than 8 v1 entries', change: (i: VerifyInput) => ({ ...i, headers: { 'X-Starship-Signature': `t=${T}${`,v1=${'0'.repeat(64)}`.repeat(9)}` } }), want: 'malformed_header' },
    { name: 't= twice', change: (i: VerifyInput) => ({ ...i, headers: { 'X-Starship-Signature': `t=${T},t=${T},v1=${'0'.repeat(64)}` } }), want: 'malformed_header' },
    { name: 'entry without =', change: (i: VerifyInput) => ({ ...i, headers: { 'X-Starship-Signature': `t=${T},garbage` } }), want: 'malformed_header' },
    { name: 'negative timestamp', change: (i: VerifyInput) => ({ ...i, headers: { 'X-Starship-Signature': `t=-1,v1=${'0'.repeat(64)}` } }), want: 'malformed_header' },
  ])('$name → $want', ({ change, want }) => {
    expect(codeOf(() => verify('starship-webhook', change(base())))).toBe(want);
  });

  test('unknown scheme', () => {
    expect(codeOf(() => verify('nope', { headers: {} }))).toBe('unknown_scheme');
    expect(codeOf(() => sign('nope', {}))).toBe('unknown_scheme');
    expect(() => getScheme('nope')).toThrow(/expected one of starship-hmac-v1/);
  });

  test('request schemes need a path without the query', () => {
    expect(codeOf(() => sign('starship-hmac-v1', { secret: SECRET }))).toBe('invalid_input');
    expect(codeOf(() => sign('starship-hmac-v1', { path: '/a?b=1', secret: SECRET }))).toBe('invalid_input');
    expect(codeOf(() => sign('starship-hmac-v1', { path: '/a', secret: SECRET, timestamp: 1.5 }))).toBe('invalid_input');
  });

  test('Ed25519 keys of the wrong type are invalid_key, and a private key can verify', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const ed = generateKeyPairSync('ed25519');
    expect(codeOf(() => sign('odm-callback', { body: 'x', privateKey: rsa.privateKey, timestamp: T }))).toBe('invalid_key');
    expect(codeOf(() => sign('odm-callback', { body: 'x', privateKey: 'not a pem', timestamp: T }))).toBe('invalid_key');
    const s = sign('odm-callback', { body: 'x', privateKey: ed.privateKey, timestamp: T });
    expect(codeOf(() => verify('odm-callback', { headers: s.headers, body: 'x', now: T, publicKey: rsa.publicKey }))).toBe('invalid_key');
    expect(codeOf(() => verify('odm-callback', { headers: s.headers, body: 'x', now: T, publicKey: ed.privateKey }))).toBe('valid');
    expect(codeOf(() => verify('odm-callback', { headers: s.headers, body: 'x', now: T, publicKey: ed.publicKey.export({ type: 'spki', format: 'pem' }).toString() }))).toBe('valid');
  });

  test('caller headers are kept, and a stale copy of a signature header is replaced whatever its casing', () => {
    const s = sign('starship-hmac-concat', { path: '/p', secret: SECRET, timestamp: T, headers: { 'X-API-Key': 'pk', 'x-signature': 'stale', 'x-timestamp': '1' } });
    expect(Object.keys(s.headers)).toEqual(['X-API-Key', 'X-Timestamp', 'X-Signature']);
  });
});

describe('messages say what to check and never leak key material', () => {
  const signed = sign('starship-hmac-v1', { method: 'POST', path: '/api/v1/orders', body: '{"q":1}', secret: SECRET, timestamp: T });
  const expectedSig = signed.signature;
  const attempt = (input: Partial<VerifyInput>) => {
    try {
      verify('starship-hmac-v1', { method: 'POST', path: '/api/v1/orders', body: '{"q":1}', headers: signed.headers, secret: SECRET, now: T, ...input });
    } catch (err) {
      return err as SignatureVerificationError;
    }
    throw new Error('expected a failure');
  };
  test.each([
    { name: 'tampered body', input: { body: '{"q":2}' }, code: 'signature_mismatch', says: /raw body bytes/ },
    { name: 'tampered query', input: { query: 'a=1' }, code: 'signature_mismatch', says: /sorted by key/ },
    { name: 'signature too old', input: { now: T + 301 }, code: 'timestamp_out_of_window', says: /301 s older.*±300 s.*NTP/ },
    { name: 'signature from the future', input: { now: T - 1000 }, code: 'timestamp_out_of_window', says: /1000 s ahead/ },
    { name: 'missing header', input: { headers: {} }, code: 'missing_header', says: /X-Signature.*t=<unix seconds>,v1=<64 hex>/ },
    { name: 'malformed header', input: { headers: { 'X-Signature': `v1=${expectedSig}` } }, code: 'malformed_header', says: /no t= timestamp/ },
    { name: 'wrong secret', input: { secret: 'another-secret' }, code: 'signature_mismatch', says: /signing secret/ },
  ])('$name', ({ input, code, says }) => {
    const err = attempt(input);
    expect(err.code).toBe(code);
    expect(err.message).toMatch(says);
    expect(err.message).not.toContain(SECRET);
    expect(err.message).not.toContain(expectedSig);
    expect(err.message).not.toContain('another-secret');
    expect(err.message.split('\n')).toHaveLength(1);
  });
  test('the window error carries the measured skew', () => {
    const err = attempt({ now: T + 301 });
    expect(err.skewSeconds).toBe(301);
    expect(err.toleranceSeconds).toBe(300);
    expect(attempt({ now: T - 301 }).skewSeconds).toBe(-301);
  });
  test('a millisecond timestamp is named as such', () => {
    const ms = sign('starship-hmac-v1', { path: '/p', secret: SECRET, timestamp: T * 1000 });
    expect(() => verify('starship-hmac-v1', { path: '/p', headers: ms.headers, secret: SECRET, now: T })).toThrow(/milliseconds/);
  });
  test('invalid keys do not echo the key', () => {
    const pem = readFileSync(new URL('../fixtures/keys/broken-private-key.pem', import.meta.url), 'utf8');
    try {
      sign('odm-ed25519', { path: '/p', privateKey: pem });
      throw new Error('expected a failure');
    } catch (err) {
      expect((err as SignatureVerificationError).code).toBe('invalid_key');
      expect((err as Error).message).not.toContain('zz-distinctive');
    }
  });
});
