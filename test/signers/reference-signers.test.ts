import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { checkSigner } from '../../harness/signer/run.ts';
import { commandTransport, type Transport } from '../../harness/signer/transport.ts';
import { SCHEME_IDS } from '../../signing/index.ts';
import { loadVectorFile } from '../../signing/vectors/run.ts';

// Every reference signer (signers/<language>/) through check-signer, for every scheme, as signer and
// verifier: 100% of the staged vectors and 1,000 generated cases (plus 1,000 negatives), 0 mismatches.
// Then each language's own unit test on the vectors. `make test` installs the toolchains (Makefile).

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const CASES = 1000;
const dir = mkdtempSync(path.join(tmpdir(), 'accord-signers-'));
const goBinary = path.join(dir, 'accord-signer');

const COMMANDS: Record<string, string> = {
  node: `${process.execPath} ${ROOT}/signers/node/accord-signer.mjs serve`,
  python: `/usr/bin/python3 ${ROOT}/signers/python/accord_signer.py serve`,
  go: `${goBinary} serve`,
  php: `php ${ROOT}/signers/php/accord_signer.php serve`,
};
const LANGUAGES = Object.keys(COMMANDS);
const transports: Record<string, Transport> = {};

beforeAll(() => {
  execFileSync('go', ['build', '-o', goBinary, './cmd/accord-signer'], { cwd: path.join(ROOT, 'signers', 'go'), stdio: 'pipe' });
  for (const lang of LANGUAGES) transports[lang] = commandTransport(COMMANDS[lang]!, { timeoutMs: 30_000 });
}, 120_000);

afterAll(async () => {
  await Promise.all(Object.values(transports).map((t) => t.close()));
  rmSync(dir, { recursive: true, force: true });
});

// One test per scheme, the four languages at once: they share one draw of the cases (harness/signer/run.ts).
describe('every reference signer passes check-signer as signer and verifier', () => {
  test.each(SCHEME_IDS)('%s', async (scheme) => {
    const file = loadVectorFile(scheme);
    const reports = await Promise.all(LANGUAGES.map((lang) => checkSigner({ scheme, role: 'both', seed: 1, cases: CASES, transport: transports[lang]! })));
    for (const [i, report] of reports.entries()) {
      const lang = LANGUAGES[i]!;
      expect(report.failures.map((f) => `${lang} ${f.group}/${f.kind} ${f.name}: ${f.mismatch.stage} ${f.mismatch.where ?? ''} expected ${f.mismatch.expected} received ${f.mismatch.received}`)).toEqual([]);
      const passed = Object.fromEntries(report.groups.map((g) => [g.id, g.passed]));
      expect({ lang, passed }).toEqual({
        lang,
        passed: {
          'vectors/sign': file.positive.length,
          'vectors/verify': file.positive.length + file.negative.length,
          'properties/sign': CASES,
          'properties/verify': CASES,
          'negatives/verify': CASES,
        },
      });
      expect(report.failed).toBe(0);
    }
  });
});

function run(cmd: string, args: string[], cwd = ROOT): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, timeout: 120_000 }, (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: `${stdout}\n${stderr}` }));
  });
}

describe("each language's own unit test on the vectors", () => {
  test.each([
    { lang: 'node', cmd: process.execPath, args: ['--test', 'signers/node/'], cwd: ROOT, want: /# fail 0/ },
    { lang: 'python', cmd: '/usr/bin/python3', args: ['-m', 'unittest', 'discover', '-s', 'signers/python'], cwd: ROOT, want: /\nOK/ },
    { lang: 'go', cmd: 'go', args: ['test', './...'], cwd: path.join(ROOT, 'signers', 'go'), want: /^ok\s+accord\.example\/signer/m },
    { lang: 'php', cmd: 'php', args: ['signers/php/accord_signer_test.php'], cwd: ROOT, want: /[1-9][0-9]* passed, 0 failed/ },
  ])('$lang', async ({ cmd, args, cwd, want }) => {
    const { code, out } = await run(cmd, args, cwd);
    expect(out).toMatch(want);
    expect(code).toBe(0);
  });
});
