import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { humanSignerReport, junitSignerReport } from '../../harness/signer/report.ts';
import { checkSigner } from '../../harness/signer/run.ts';
import { commandTransport, httpTransport, type Transport } from '../../harness/signer/transport.ts';
// @ts-expect-error: a plain .mjs file without types (the one a partner copies)
import { answer } from '../../signers/node/accord-signer.mjs';
import type { SchemeId } from '../../signing/types.ts';
import { TEST_SECRETS } from '../../signing/vectors/test-keys.ts';

// check-signer against signers with each classic bug (test/fixtures/broken-signers/), in Node (which
// reports its canonical bytes) and Python (a black box): it fails each and names the stage that differs.

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const BROKEN = path.join(ROOT, 'test', 'fixtures', 'broken-signers');
const LANGUAGES = {
  node: (bug: string) => `${process.execPath} ${BROKEN}/broken-signer.mjs ${bug} serve`,
  python: (bug: string) => `/usr/bin/python3 ${BROKEN}/broken_signer.py ${bug} serve`,
};

const BUGS: Array<{ bug: string; scheme: SchemeId; stage: string; where: RegExp }> = [
  { bug: 'unsorted-query', scheme: 'starship-hmac-v1', stage: 'canonical string', where: /line 3 \(SORTED_QUERY\)/ },
  { bug: 'reencoded-query', scheme: 'sirgiving-hmac', stage: 'canonical string', where: /line 3 \(SORTED_QUERY\)/ },
  { bug: 'reserialized-json', scheme: 'starship-hmac-v1', stage: 'body hash', where: /body_sha256|line 4/ },
  { bug: 'milliseconds', scheme: 'starship-hmac-concat', stage: 'timestamp', where: /X-Timestamp|t=/ },
  { bug: 'api-secret', scheme: 'starship-hmac-v1', stage: 'signature', where: /key/ },
  { bug: 'api-secret', scheme: 'sirgiving-hmac', stage: 'signature', where: /key/ },
  { bug: 'uppercase-hex', scheme: 'istar-webhook', stage: 'signature', where: /encoding/ },
  { bug: 'path-with-query', scheme: 'starship-hmac-v1', stage: 'canonical string', where: /line 2 \(PATH\)/ },
];

let open: Transport | undefined;
afterEach(async () => {
  await open?.close();
  open = undefined;
});

const cases = Object.entries(LANGUAGES).flatMap(([lang, command]) => BUGS.map((b) => ({ ...b, lang, command: command(b.bug) })));

describe('a broken signer fails check-signer at the stage of its bug', () => {
  test.each(cases)('$lang $bug ($scheme): $stage', async ({ scheme, stage, where, command }) => {
    open = commandTransport(command, { timeoutMs: 30_000 });
    const report = await checkSigner({ scheme, role: 'signer', seed: 7, cases: 200, transport: open });
    expect(report.failed).toBeGreaterThan(0);
    expect(report.stages[0]).toBe(stage);
    expect(report.shrunk?.mismatch.stage).toBe(stage);
    expect(report.shrunk?.mismatch.where).toMatch(where);
    // never a secret: neither the vectors' keys nor the X-API-Secret / X-Partner-Key values
    const text = humanSignerReport(report) + junitSignerReport(report) + JSON.stringify(report);
    for (const key of Object.values(TEST_SECRETS[scheme] ?? {})) expect(text).not.toContain(key);
    expect(text).not.toMatch(/sk_test_(api_secret|partner_key)_\d+/);
    expect(text).toContain('«redacted»');
  });

  test('a verifier that accepts everything fails every refusing negative, naming what was tampered', async () => {
    const yes = `${process.execPath} -e "require('readline').createInterface({input:process.stdin}).on('line',l=>console.log(JSON.stringify({id:JSON.parse(l).id,valid:true})))"`;
    open = commandTransport(yes, { timeoutMs: 30_000 });
    const report = await checkSigner({ scheme: 'sirgiving-webhook', role: 'verifier', seed: 3, cases: 200, transport: open });
    const negatives = report.groups.find((g) => g.id === 'negatives/verify')!;
    expect(negatives.failed).toBeGreaterThan(150);
    expect(report.groups.find((g) => g.id === 'properties/verify')!.failed).toBe(0);
    expect(report.stages).toEqual(expect.arrayContaining(['timestamp', 'signature', 'header layout']));
    expect(report.shrunk?.mismatch).toMatchObject({ where: 'verdict', received: 'valid' });
  });

  test('a signer that dies is a protocol failure, not a pass', async () => {
    open = commandTransport(`${process.execPath} -e "process.exit(3)"`, { timeoutMs: 5_000 });
    const report = await checkSigner({ scheme: 'istar-webhook', role: 'both', seed: 1, cases: 10, transport: open, shrink: false });
    expect(report.passed).toBe(0);
    expect(report.stages).toEqual(['protocol']);
    expect(report.failures[0]!.mismatch.received).toMatch(/exited \(code 3\)/);
  });
});

describe('check-signer --url: a signer behind HTTP', () => {
  test('the Node reference signer served over HTTP passes; a server that is down fails as protocol', async () => {
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => res.setHeader('content-type', 'application/json').end(JSON.stringify(answer(JSON.parse(body)))));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/accord`;
    try {
      const report = await checkSigner({ scheme: 'odm-callback', role: 'both', seed: 5, cases: 100, transport: httpTransport(url, { timeoutMs: 30_000 }) });
      expect(report.failed).toBe(0);
      expect(report.passed).toBeGreaterThan(300);
    } finally {
      await new Promise((r) => server.close(r));
    }
    const down = await checkSigner({ scheme: 'odm-callback', role: 'signer', seed: 5, cases: 5, transport: httpTransport(url, { timeoutMs: 5_000 }), shrink: false });
    expect(down.passed).toBe(0);
    expect(down.stages).toEqual(['protocol']);
  });
});

function accord(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(ROOT, 'bin', 'accord.mjs'), 'check-signer', ...args], { cwd: ROOT, timeout: 120_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('accord check-signer (CLI)', () => {
  test('exit 0 on the reference signer, 1 on a broken one (JUnit names the stage), 2 on usage errors', async () => {
    const good = await accord(['--scheme', 'istar-webhook,odm-callback', '--cases', '50', '--reporter', 'json', '--command', `${process.execPath} signers/node/accord-signer.mjs serve`]);
    expect(good.code).toBe(0);
    expect((JSON.parse(good.stdout) as Array<{ failed: number }>).map((r) => r.failed)).toEqual([0, 0]);

    const bad = await accord(['--scheme', 'starship-hmac-v1', '--role', 'signer', '--cases', '50', '--reporter', 'junit', '--command', LANGUAGES.python('milliseconds')]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/<failure message="timestamp/);

    const usage = [
      ['--command', 'x'],
      ['--scheme', 'nope', '--command', 'x'],
      ['--scheme', 'istar-webhook'],
      ['--scheme', 'istar-webhook', '--command', 'x', '--url', 'http://127.0.0.1:1'],
      ['--scheme', 'istar-webhook', '--command', 'x', '--role', 'judge'],
      ['--scheme', 'istar-webhook', '--command', 'x', '--cases', '0'],
      ['--scheme', 'istar-webhook', '--url', 'ftp://x'],
      ['--scheme', 'istar-webhook', '--cases', '5', '--command', 'definitely-not-a-signer-xyz serve'],
      ['--scheme', 'istar-webhook', '--cases', '5', '--url', 'http://127.0.0.1:9/accord', '--timeout', '2000'],
    ];
    for (const args of usage) {
      const r = await accord(args);
      expect(r.code, args.join(' ')).toBe(2);
      // one error line (after any progress lines), naming the flag
      const errors = r.stderr.trim().split('\n').filter((l) => !l.startsWith('check-signer '));
      expect(errors, args.join(' ')).toHaveLength(1);
      expect(errors[0]).toMatch(/^accord: (--|give|--scheme)/);
    }
  });
});
