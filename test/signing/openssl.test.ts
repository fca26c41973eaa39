import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { SCHEMES } from '../../signing/index.ts';
import { bodyBytes, type NegativeVectorJson, type PositiveVectorJson, type VectorFileJson } from '../../signing/vectors/format.ts';
import { loadVectorFile } from '../../signing/vectors/run.ts';

// Recomputes every vector with the openssl command-line tool and coreutils `sort`: an
// implementation no one here wrote. The canonical strings are rebuilt here from the vectors'
// inputs following specs/VECTORS.md, without the engine. Data goes through temp files only.

const dir = mkdtempSync(path.join(tmpdir(), 'accord-openssl-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;
function tmp(data: Buffer | string): string {
  const file = path.join(dir, `f${counter++}`);
  writeFileSync(file, data);
  return file;
}

function openssl(args: string[]): string {
  return execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}
const lastField = (out: string) => out.trim().split(/\s+/).pop()!;
const sha256 = (data: Buffer) => lastField(openssl(['dgst', '-sha256', '-hex', tmp(data)]));
const hmacHex = (secret: string, data: Buffer) => lastField(openssl(['dgst', '-sha256', '-hmac', secret, '-hex', tmp(data)]));
function ed25519Sign(privatePem: string, data: Buffer): string {
  return execFileSync('openssl', ['pkeyutl', '-sign', '-inkey', tmp(privatePem), '-rawin', '-in', tmp(data)], { stdio: ['ignore', 'pipe', 'pipe'] }).toString('base64');
}
function ed25519Verify(publicPem: string, data: Buffer, signatureBase64: string): boolean {
  const run = spawnSync('openssl', ['pkeyutl', '-verify', '-pubin', '-inkey', tmp(publicPem), '-rawin', '-in', tmp(data), '-sigfile', tmp(Buffer.from(signatureBase64, 'base64'))], {
    encoding: 'utf8',
  });
  return run.status === 0 && run.stdout.includes('Signature Verified Successfully');
}

/** `sort -s -t= -k1,1` in the C locale: a stable sort on the key, byte order. */
function sortQuery(query: string): string {
  const pairs = query.replace(/^\?/, '').split('&').filter(Boolean);
  if (pairs.length === 0) return '';
  const out = execFileSync('sort', ['-s', '-t=', '-k1,1', tmp(`${pairs.join('\n')}\n`)], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
  return out.split('\n').filter(Boolean).join('&');
}

interface Seen {
  method: string;
  path: string;
  query: string;
  body: Buffer;
}

function canonical(file: VectorFileJson, req: Seen, timestamp: string): Buffer {
  switch (file.declaration.canonical) {
    case 'five-line':
      return Buffer.from(`${req.method.toUpperCase()}\n${req.path}\n${sortQuery(req.query)}\n${sha256(req.body)}\n${timestamp}`, 'utf8');
    case 'concat':
      return Buffer.concat([Buffer.from(timestamp + req.method.toUpperCase() + req.path, 'utf8'), req.body]);
    case 'timestamp-dot-body':
      return Buffer.concat([Buffer.from(`${timestamp}.`, 'utf8'), req.body]);
    case 'body-only':
      return req.body;
    default:
      throw new Error(`unknown canonical ${String(file.declaration.canonical)}`);
  }
}

/** The timestamp and signatures presented, read per the declared header layout. */
function presented(file: VectorFileJson, headers: Record<string, string>): { timestamp: string; signatures: string[] } {
  const d = file.declaration as { signature_header: string; signature_format: string; timestamp_header: string | null };
  const value = headers[d.signature_header] ?? '';
  if (d.signature_format === 'plain') return { timestamp: d.timestamp_header ? (headers[d.timestamp_header] ?? '') : '', signatures: [value] };
  const entries = value.split(',').map((e) => e.trim());
  const t = entries.find((e) => e.startsWith('t='))?.slice(2);
  return {
    timestamp: d.signature_format === 't-v1' ? (t ?? '') : (headers[d.timestamp_header!] ?? ''),
    signatures: entries.filter((e) => e.startsWith('v1=')).map((e) => e.slice(3)),
  };
}

const files = SCHEMES.map((s) => ({ id: s.id, file: loadVectorFile(s.id) }));

describe.each(files)('openssl reproduces $id', ({ file }) => {
  const hmac = file.declaration.algorithm === 'hmac-sha256';

  test.each(file.positive.map((v) => ({ id: v.id, v })))('positive $id', ({ v }: { v: PositiveVectorJson }) => {
    const body = bodyBytes(v.input);
    if (v.intermediates.body_sha256 !== undefined) expect(v.intermediates.body_sha256).toBe(sha256(body));
    if (v.intermediates.sorted_query !== undefined) expect(v.intermediates.sorted_query).toBe(sortQuery(v.input.query));
    const ts = v.input.timestamp === null ? '' : String(v.input.timestamp);
    const bytes = canonical(file, { ...v.input, body }, ts);
    const want = v.intermediates.canonical_base64 !== undefined ? Buffer.from(v.intermediates.canonical_base64, 'base64') : Buffer.from(v.intermediates.canonical!, 'utf8');
    expect(bytes.equals(want)).toBe(true);

    let signature: string;
    if (hmac) {
      signature = hmacHex(v.input.secret!, bytes);
    } else {
      signature = ed25519Sign(v.input.private_key_pem!, bytes);
      expect(v.verify.public_keys_pem!.some((pem) => ed25519Verify(pem, bytes, signature))).toBe(true);
    }
    expect(v.signature).toBe(signature);
    // The headers the verifier is shown carry that signature (among others, for a rotation).
    const shown = presented(file, v.verify.headers);
    expect(shown.timestamp).toBe(ts);
    expect(shown.signatures.map((s) => (hmac ? s.toLowerCase() : s))).toContain(signature);
  });

  const checked = file.negative.filter((v) => v.expected_error === 'signature_mismatch' || v.expected_error === 'timestamp_out_of_window');
  test.each(checked.map((v) => ({ id: v.id, v })))('negative $id', ({ v }: { v: NegativeVectorJson }) => {
    const shown = presented(file, v.verify.headers);
    const bytes = canonical(file, { ...v.verify, body: bodyBytes(v.verify) }, shown.timestamp);
    const matches = (v.verify.secrets ?? v.verify.public_keys_pem!).some((key) =>
      shown.signatures.some((sig) => (hmac ? hmacHex(key, bytes) === sig.toLowerCase() : ed25519Verify(key, bytes, sig))),
    );
    if (v.expected_error === 'signature_mismatch') {
      expect(matches).toBe(false);
    } else {
      // Out of the window only: the signature itself is good, the clock is not.
      expect(matches).toBe(true);
      expect(Math.abs(v.verify.verify_at - Number(shown.timestamp))).toBeGreaterThan(300);
    }
  });
});

test('the openssl toolchain is the one the docs use', () => {
  expect(readFileSync(tmp('x')).toString()).toBe('x');
  expect(openssl(['version'])).toMatch(/^OpenSSL 3\./);
});
