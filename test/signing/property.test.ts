import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { SCHEMES, SignatureVerificationError, sign, sortedQuery, verify, type SchemeDeclaration, type SignInput } from '../../signing/index.ts';

// sign → verify round-trips for any request; changing any one byte of a bound part breaks it.

const ed = generateKeyPairSync('ed25519');
const SAFE = 'abcdefghijklmnopqrstuvwxyz0123456789-_.~%';

const token = fc.string({ unit: fc.constantFrom(...SAFE), minLength: 1, maxLength: 12 });
const request = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'),
  path: fc.array(token, { minLength: 0, maxLength: 4 }).map((segments) => `/${segments.join('/')}`),
  query: fc.array(fc.tuple(token, fc.string({ unit: fc.constantFrom(...SAFE), maxLength: 8 })), { maxLength: 5 }).map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&')),
  body: fc.uint8Array({ maxLength: 256 }),
  timestamp: fc.integer({ min: 0, max: 4_000_000_000 }),
  secret: fc.string({ minLength: 1, maxLength: 64 }),
});
type Req = typeof request extends fc.Arbitrary<infer R> ? R : never;

function keys(scheme: SchemeDeclaration, r: Req): { sign: Pick<SignInput, 'secret' | 'privateKey'>; verify: { secret: string } | { publicKey: typeof ed.publicKey } } {
  return scheme.key === 'secret' ? { sign: { secret: r.secret }, verify: { secret: r.secret } } : { sign: { privateKey: ed.privateKey }, verify: { publicKey: ed.publicKey } };
}

function outcome(scheme: SchemeDeclaration, r: Req, seen: Partial<Req>, headers: Record<string, string>): string {
  try {
    verify(scheme.id, { method: seen.method ?? r.method, path: seen.path ?? r.path, query: seen.query ?? r.query, body: seen.body ?? r.body, headers, now: r.timestamp, ...keys(scheme, r).verify });
    return 'valid';
  } catch (err) {
    if (err instanceof SignatureVerificationError) return err.code;
    throw err;
  }
}

/** Replaces the character at `i` with a different one from the safe alphabet. */
function changeChar(s: string, i: number, pick: number): string {
  const at = i % s.length;
  const choices = SAFE.replace(s[at]!, '');
  return s.slice(0, at) + choices[pick % choices.length] + s.slice(at + 1);
}

/** Registers the test only where the scheme binds that part (no skipped noise in the summary). */
const testIf = (condition: boolean) => (condition ? test : (((..._args: unknown[]) => undefined) as unknown as typeof test));

const runs = (scheme: SchemeDeclaration) => ({ numRuns: scheme.algorithm === 'ed25519' ? 60 : 150 });

describe.each(SCHEMES.map((s) => ({ id: s.id, scheme: s })))('$id', ({ scheme }) => {
  const identity = scheme.identityHeader ? { [scheme.identityHeader]: 'test-key-id' } : {};
  const signIt = (r: Req) => sign(scheme.id, { method: r.method, path: r.path, query: r.query, body: r.body, timestamp: r.timestamp, headers: identity, ...keys(scheme, r).sign });

  test('sign → verify round-trips', () => {
    fc.assert(fc.property(request, (r) => outcome(scheme, r, {}, signIt(r).headers) === 'valid'), runs(scheme));
  });

  test('changing any one byte of the body breaks verification', () => {
    fc.assert(
      fc.property(request, fc.nat(), fc.integer({ min: 1, max: 255 }), (r, i, xor) => {
        const body = r.body.length ? r.body : Uint8Array.of(0);
        const signed = signIt({ ...r, body });
        const tampered = Uint8Array.from(body);
        const at = i % tampered.length;
        tampered[at] = tampered[at]! ^ xor;
        return outcome(scheme, { ...r, body }, { body: tampered }, signed.headers) === 'signature_mismatch';
      }),
      runs(scheme),
    );
  });

  testIf(scheme.binds.includes('path'))('changing any one byte of the path breaks verification', () => {
    fc.assert(
      fc.property(request, fc.nat(), fc.nat(), (r, i, pick) => {
        const path = r.path.length > 1 ? r.path : '/a';
        const signed = signIt({ ...r, path });
        const changed = `/${changeChar(path.slice(1), i, pick)}`;
        return outcome(scheme, { ...r, path }, { path: changed }, signed.headers) === 'signature_mismatch';
      }),
      runs(scheme),
    );
  });

  testIf(scheme.binds.includes('query'))('changing any one byte of the query breaks verification', () => {
    fc.assert(
      fc.property(request, fc.nat(), fc.nat(), (r, i, pick) => {
        const query = r.query || 'a=1';
        const signed = signIt({ ...r, query });
        // Change a key or value character (never the & and = structure).
        const positions = [...query].map((c, at) => (c === '&' || c === '=' ? -1 : at)).filter((at) => at >= 0);
        const at = positions[i % positions.length]!;
        const changed = query.slice(0, at) + SAFE.replace(query[at]!, '')[pick % (SAFE.length - 1)] + query.slice(at + 1);
        return outcome(scheme, { ...r, query }, { query: changed }, signed.headers) === 'signature_mismatch';
      }),
      runs(scheme),
    );
  });

  testIf(scheme.binds.includes('method'))('changing the method breaks verification', () => {
    fc.assert(
      fc.property(request, fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'), (r, other) => {
        fc.pre(other !== r.method);
        return outcome(scheme, r, { method: other }, signIt(r).headers) === 'signature_mismatch';
      }),
      runs(scheme),
    );
  });

  testIf(scheme.windowSeconds !== null)('changing the timestamp (within the window) breaks verification', () => {
    fc.assert(
      fc.property(request, fc.integer({ min: -300, max: 300 }), (r, delta) => {
        fc.pre(delta !== 0 && r.timestamp + delta >= 0);
        const signed = signIt(r);
        const ts = String(r.timestamp + delta);
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(signed.headers)) {
          headers[name] = name === scheme.timestampHeader ? ts : name === scheme.signatureHeader ? value.replace(`t=${r.timestamp},`, `t=${ts},`) : value;
        }
        return outcome(scheme, r, {}, headers) === 'signature_mismatch';
      }),
      runs(scheme),
    );
  });

  testIf(scheme.windowSeconds !== null)('the window is ±300 s inclusive, in both directions', () => {
    fc.assert(
      fc.property(request, fc.integer({ min: -1000, max: 1000 }), (r, skew) => {
        const signed = signIt(r);
        const code = outcome(scheme, { ...r, timestamp: r.timestamp + skew }, {}, signed.headers);
        // outcome() verifies at the request's own timestamp: shift the clock instead of the signature.
        return Math.abs(skew) <= 300 ? code === 'valid' : code === 'timestamp_out_of_window';
      }),
      runs(scheme),
    );
  });
});

test('several secrets: any one of them verifies, none of the others does', () => {
  fc.assert(
    fc.property(fc.uniqueArray(fc.string({ minLength: 1, maxLength: 16 }), { minLength: 2, maxLength: 5 }), fc.nat(), (secrets, pick) => {
      const i = pick % secrets.length;
      const signed = sign('sirgiving-webhook', { body: 'x', secret: secrets[i]!, timestamp: 1 });
      const result = verify('sirgiving-webhook', { headers: signed.headers, body: 'x', now: 1, secret: secrets });
      return result.keyIndex === i;
    }),
  );
});

test('arbitrary header values never crash the parser: they fail with a code', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 300 }), fc.string({ maxLength: 20 }), (sig, ts) => {
      for (const scheme of SCHEMES) {
        const headers = { [scheme.signatureHeader]: sig, ...(scheme.timestampHeader ? { [scheme.timestampHeader]: ts } : {}), ...(scheme.identityHeader ? { [scheme.identityHeader]: 'id' } : {}) };
        try {
          verify(scheme.id, { method: 'GET', path: '/', headers, body: '', now: 0, ...(scheme.key === 'secret' ? { secret: 's' } : { publicKey: ed.publicKey }) });
          return false;
        } catch (err) {
          if (!(err instanceof SignatureVerificationError)) return false;
          expect(['missing_header', 'malformed_header', 'timestamp_out_of_window', 'signature_mismatch']).toContain(err.code);
        }
      }
      return true;
    }),
  );
});

test('sortedQuery equals a stable sort by the keys’ UTF-8 bytes, for any keys (astral and high-BMP included)', () => {
  const char = fc.constantFrom('a', 'b', 'B', '=', '%', '+', '_', '~', 'é', '\uE000', '\uFFFD', '😀', '𝒜', '1');
  const pair = fc.string({ unit: char, maxLength: 6 });
  fc.assert(
    fc.property(fc.array(pair, { maxLength: 8 }), (pairs) => {
      const query = pairs.join('&');
      const kept = query.split('&').filter((p) => p !== '');
      const key = (p: string) => Buffer.from(p.split('=', 1)[0]!, 'utf8');
      const want = kept
        .map((p, i) => ({ p, i }))
        .sort((a, b) => Buffer.compare(key(a.p), key(b.p)) || a.i - b.i)
        .map((x) => x.p)
        .join('&');
      return sortedQuery(query) === want;
    }),
    { numRuns: 500 },
  );
});
