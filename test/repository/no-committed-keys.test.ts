// No committed file outside signing vectors and test fixtures carries something a secret scanner
// takes for a live key: PEM private-key armour, or a live-mode API key. Prose names the PEM label
// instead ("PEM label `PRIVATE KEY`"), so specs, docs and generated code stay clean.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { REPO_ROOT } from '../../contracts/providers.ts';

const ALLOWED = [/(^|\/)vectors\//, /(^|\/)fixtures\//];
const PATTERNS: readonly { name: string; re: RegExp }[] = [
  { name: 'PEM private-key armour', re: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/ },
  { name: 'live-mode API key', re: /\b(?:sk|pk|rk)_live_[A-Za-z0-9]{8,}/ },
];

const committed = () =>
  execFileSync('git', ['ls-files', '-z'], { cwd: REPO_ROOT, encoding: 'utf8' })
    .split('\0')
    .filter((f) => f && !ALLOWED.some((re) => re.test(f)) && !/\.(png|ico|woff2?)$/.test(f));

const offences = (files: readonly string[]): string[] =>
  files.flatMap((f) => {
    const file = path.join(REPO_ROOT, f);
    if (!fs.existsSync(file)) return [];
    const text = fs.readFileSync(file, 'utf8');
    return PATTERNS.filter((p) => p.re.test(text)).map((p) => `${f}: ${p.name}`);
  });

// The samples are assembled at run time, so this file does not hold what it looks for.
const armour = (label: string) => `${'-'.repeat(5)}BEGIN ${label}${'-'.repeat(5)}`;

it.each([
  { given: 'PEM armour in prose', text: `handed out as (\`${armour('PRIVATE KEY')}\`)`, want: true },
  { given: 'an OpenSSH key header', text: armour('OPENSSH PRIVATE KEY'), want: true },
  { given: 'a live key', text: `apiKey: ${['sk', 'live', 'A1b2C3d4E5f6G7h8'].join('_')}`, want: true },
  { given: 'the PEM label named', text: 'PKCS#8 PEM (PEM label `PRIVATE KEY`)', want: false },
  { given: 'a test key', text: 'sk_test_V32Wabcdefgh', want: false },
])('the scan flags $given: $want', ({ text, want }) => {
  expect(PATTERNS.some((p) => p.re.test(text))).toBe(want);
});

it('no committed file outside vectors/ and fixtures/ looks like it holds a live key', () => {
  expect(offences(committed())).toEqual([]);
});
