// node --test signers/node/: every staged vector of every scheme through this signer.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SCHEMES, sign, verify } from './accord-signer.mjs';

const SPECS = fileURLToPath(new URL('../../specs/', import.meta.url));
const files = readdirSync(SPECS, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) => {
    try {
      return readdirSync(join(SPECS, d.name, 'vectors')).map((f) => JSON.parse(readFileSync(join(SPECS, d.name, 'vectors', f), 'utf8')));
    } catch {
      return [];
    }
  });
const bodyOf = (v) => (v.body_base64 !== undefined ? Buffer.from(v.body_base64, 'base64') : Buffer.from(v.body ?? ''));

test('every scheme has a vector file', () => assert.deepEqual(files.map((f) => f.scheme).sort(), Object.keys(SCHEMES).sort()));

for (const file of files) {
  for (const v of file.positive) {
    test(`${file.scheme} ${v.id}: signs and verifies`, () => {
      const i = v.input;
      const out = sign(file.scheme, { method: i.method, path: i.path, query: i.query, body: bodyOf(i), timestamp: i.timestamp, secret: i.secret, privateKeyPem: i.private_key_pem });
      const want = v.intermediates.canonical_base64 !== undefined ? Buffer.from(v.intermediates.canonical_base64, 'base64') : Buffer.from(v.intermediates.canonical);
      assert.deepEqual(out.canonical, want);
      assert.equal(out.signature, v.signature);
      assert.deepEqual({ ...i.headers, ...out.headers }, v.headers);
      verify(file.scheme, { ...v.verify, body: bodyOf(i), now: v.verify.verify_at, publicKeysPem: v.verify.public_keys_pem });
    });
  }
  for (const v of file.negative) {
    test(`${file.scheme} ${v.id}: refused with ${v.expected_error}`, () => {
      const w = v.verify;
      assert.throws(() => verify(file.scheme, { ...w, body: bodyOf(w), now: w.verify_at, publicKeysPem: w.public_keys_pem }), { code: v.expected_error });
    });
  }
}
