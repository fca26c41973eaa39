import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test, vi } from 'vitest';
import { main } from '../../cli/main.ts';
import { sign } from '../../signing/index.ts';
import { loadVectorFile } from '../../signing/vectors/run.ts';

// The CLI as a user runs it: exit codes, one-line errors, and no secret in any output.

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const SECRET = 'zz-cli-distinctive-secret-91c3';
const T = 1744646400;
const dir = mkdtempSync(path.join(tmpdir(), 'accord-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, data: string | Buffer) => {
  const p = path.join(dir, name);
  writeFileSync(p, data);
  return p;
};

/** Runs the real CLI; every run also checks that the secret appears nowhere in its output. */
function accord(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(ROOT, 'bin', 'accord.mjs'), ...args], { cwd: ROOT, env: { ...process.env, ACCORD_SECRET: '', ...env }, timeout: 60_000 }, (err, stdout, stderr) => {
      expect(`${stdout}\n${stderr}`).not.toContain(SECRET);
      resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr });
    });
  });
}

/** The same CLI in this process (fast; for the long table of usage errors). Not concurrent-safe. */
async function accordInProcess(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  const secretEnv = process.env.ACCORD_SECRET;
  delete process.env.ACCORD_SECRET;
  process.exitCode = undefined;
  try {
    const code = await main(['node', 'accord', ...args]);
    expect(`${stdout}\n${stderr}`).not.toContain(SECRET);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = undefined;
    if (secretEnv !== undefined) process.env.ACCORD_SECRET = secretEnv;
  }
}

const body = file('body.json', '{"product_id":"amazon-gift-500","quantity":1}');
const odm = loadVectorFile('odm-ed25519');
const privatePem = file('odm.pem', odm.positive[0]!.input.private_key_pem!);
const publicPem = file('odm.pub.pem', odm.positive[0]!.verify.public_keys_pem![0]!);

describe('accord sign', () => {
  test('reproduces a committed vector (starship-hmac-v1 get-percent-encoded-query)', async () => {
    const v = loadVectorFile('starship-hmac-v1').positive.find((p) => p.id === 'get-percent-encoded-query')!;
    const run = await accord(['sign', '--scheme', 'starship-hmac-v1', '--secret', v.input.secret!, '--method', v.input.method, '--path', v.input.path, '--query', v.input.query, '--timestamp', String(v.input.timestamp), '--header', 'X-API-Key: pk_test_starship_DO_NOT_USE']);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out).toMatchObject({ canonical: v.intermediates.canonical, signature: v.signature, headers: v.headers });
  });

  test('Ed25519 from a key file; secret from ACCORD_SECRET; binary canonical as base64', async () => {
    const signed = await accord(['sign', '--scheme', 'odm-ed25519', '--private-key-file', privatePem, '--method', 'POST', '--path', '/partner/v1/vouchers', '--body-file', body, '--timestamp', String(T)]);
    expect(signed.code).toBe(0);
    expect(JSON.parse(signed.stdout).signature).toMatch(/^[A-Za-z0-9+/]{86}==$/);
    const binary = file('binary.bin', Buffer.from([0xff, 0x00, 0xfe]));
    const hook = await accord(['sign', '--scheme', 'istar-webhook', '--body-file', binary], { ACCORD_SECRET: SECRET });
    expect(hook.code).toBe(0);
    expect(JSON.parse(hook.stdout)).toMatchObject({ canonical_base64: '/wD+' });
  });
});

describe('accord verify', () => {
  // Signed in-process (the sign command has its own tests): one process per verify case.
  const signedHeaders = sign('sirgiving-hmac', { method: 'POST', path: '/api/v1/actions', query: 'b=1&a=2', body: readFileSync(body), secret: SECRET, timestamp: T, headers: { 'X-Partner-Key': 'sk_test_x' } }).headers;
  const headerArgs = (headers: Record<string, string>) => Object.entries(headers).flatMap(([k, v]) => ['--header', `${k}: ${v}`]);
  const base = ['verify', '--scheme', 'sirgiving-hmac', '--method', 'POST', '--path', '/api/v1/actions', '--query', 'a=2&b=1', '--body-file', body];

  test.each([
    { name: 'valid (query in another order)', extra: ['--now', String(T + 300)], want: 0, says: /^valid sirgiving-hmac/ },
    { name: 'clock 301 s ahead', extra: ['--now', String(T + 301)], want: 1, says: /^invalid timestamp_out_of_window: .*301 s/ },
    { name: 'another path', extra: ['--now', String(T), '--path', '/api/v1/actions/'], want: 1, says: /^invalid signature_mismatch: / },
  ])('$name → exit $want', async ({ extra, want, says }) => {
    const run = await accord([...base, '--secret', SECRET, ...headerArgs(signedHeaders), ...extra]);
    expect(run.code).toBe(want);
    expect(run.stdout).toMatch(says);
  });

  test('several --secret (rotation) and --secret-env', async () => {
    const headers = headerArgs(signedHeaders);
    expect((await accord([...base, '--secret', 'old-secret', '--secret', SECRET, '--now', String(T), ...headers])).stdout).toMatch(/^valid .*key 2/);
    expect((await accord([...base, '--secret-env', 'MY_HMAC', '--now', String(T), ...headers], { MY_HMAC: SECRET })).code).toBe(0);
  });

  test('missing header → exit 1 with the code', async () => {
    const run = await accord([...base, '--secret', SECRET, '--now', String(T), '--header', 'X-Partner-Key: sk_test_x']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^invalid missing_header: /);
  });

  test('Ed25519 with a public key file', async () => {
    const v = odm.positive.find((p) => p.id === 'post-json')!;
    const b = file('odm-body.json', v.input.body!);
    const run = await accord(['verify', '--scheme', 'odm-ed25519', '--public-key-file', publicPem, '--method', 'POST', '--path', v.input.path, '--body-file', b, '--now', String(T), ...headerArgs(v.headers)]);
    expect(run.code).toBe(0);
  });
});

describe('usage errors: exit 2, one line naming the flag', () => {
  test('as a process', async () => {
    const run = await accord(['sign', '--scheme', 'nope', '--secret', SECRET, '--path', '/']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^accord: --scheme: unknown scheme "nope" \(expected one of starship-hmac-v1, .*\)\n$/);
    expect(run.stdout).toBe('');
  });

  test.each([
    { name: 'unknown scheme', args: ['sign', '--scheme', 'nope', '--secret', SECRET, '--path', '/'], flag: '--scheme' },
    { name: 'missing scheme', args: ['verify', '--secret', SECRET], flag: '--scheme' },
    { name: 'missing secret', args: ['sign', '--scheme', 'starship-hmac-v1', '--path', '/'], flag: '--secret' },
    { name: 'empty --secret-env', args: ['sign', '--scheme', 'starship-hmac-v1', '--path', '/', '--secret-env', 'ACCORD_NOT_SET'], flag: '--secret-env' },
    { name: 'unreadable key file', args: ['sign', '--scheme', 'odm-ed25519', '--path', '/', '--private-key-file', path.join(dir, 'none.pem')], flag: '--private-key-file' },
    { name: 'not a key', args: ['sign', '--scheme', 'odm-ed25519', '--path', '/', '--private-key-file', body], flag: '--private-key-file' },
    { name: 'missing key file', args: ['sign', '--scheme', 'odm-callback'], flag: '--private-key-file' },
    { name: 'non-integer timestamp', args: ['sign', '--scheme', 'starship-hmac-v1', '--secret', SECRET, '--path', '/', '--timestamp', '1744646400.5'], flag: '--timestamp' },
    { name: 'missing path', args: ['sign', '--scheme', 'starship-hmac-v1', '--secret', SECRET], flag: '--path' },
    { name: 'path with query', args: ['sign', '--scheme', 'starship-hmac-v1', '--secret', SECRET, '--path', '/a?b=1'], flag: '--path' },
    { name: 'unreadable body file', args: ['sign', '--scheme', 'istar-webhook', '--secret', SECRET, '--body-file', path.join(dir, 'none')], flag: '--body-file' },
    { name: 'verify: non-integer --now', args: ['verify', '--scheme', 'istar-webhook', '--secret', SECRET, '--now', 'soon'], flag: '--now' },
    { name: 'verify: bad --header', args: ['verify', '--scheme', 'istar-webhook', '--secret', SECRET, '--header', 'no colon'], flag: '--header' },
    { name: 'verify: missing public key', args: ['verify', '--scheme', 'odm-callback', '--header', 'X-ODM-Signature: x'], flag: '--public-key-file' },
    { name: 'verify: unknown scheme', args: ['verify', '--scheme', 'nope', '--secret', SECRET], flag: '--scheme' },
    { name: 'vectors: unknown scheme', args: ['vectors', '--scheme', 'nope'], flag: '--scheme' },
  ])('$name', async ({ args, flag }) => {
    const run = await accordInProcess(args);
    expect(run.code).toBe(2);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(flag);
    expect(run.stdout).toBe('');
  });
});

describe('accord vectors', () => {
  test('runs every committed vector file', async () => {
    const run = await accord(['vectors', '--check']);
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n').filter((l) => l.startsWith('ok   vectors '))).toHaveLength(8);
  });
  test('one scheme', async () => {
    const run = await accord(['vectors', '--scheme', 'istar-webhook']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^ok {3}vectors istar-webhook: \d+ positive, \d+ negative, 0 failed\n$/);
  });
});
