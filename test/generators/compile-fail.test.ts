// The compile-fail fixture (test/fixtures/compile-fail/clients.ts) is checked twice: `make test`'s
// tsc run fails on any unused @ts-expect-error, and here, with the directives removed, tsc must
// report an error on exactly the lines they marked.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { expect, it } from 'vitest';
import { REPO_ROOT } from '../../contracts/providers.ts';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const FIXTURE = path.join(REPO_ROOT, 'test', 'fixtures', 'compile-fail', 'clients.ts');

it('reports a type error on every line the fixture marks', () => {
  const lines = fs.readFileSync(FIXTURE, 'utf8').split('\n');
  const expected: number[] = [];
  const stripped: string[] = [];
  for (const line of lines) {
    if (line.trim().startsWith('// @ts-expect-error')) {
      expected.push(stripped.length + 2); // the next line, 1-based, once this one is replaced
      stripped.push('// (directive removed)');
    } else stripped.push(line);
  }
  expect(expected.length).toBeGreaterThanOrEqual(6);
  const dir = path.join(REPO_ROOT, 'test', 'fixtures', 'compile-fail', `.stripped-${process.pid}`);
  fs.mkdirSync(dir, { recursive: true });
  try {
    // One level deeper than the fixture: the relative imports gain one `../`.
    fs.writeFileSync(path.join(dir, 'clients.ts'), stripped.join('\n').replaceAll("'../../../", "'../../../../"));
    fs.writeFileSync(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({ extends: path.join(REPO_ROOT, 'tsconfig.json'), include: ['clients.ts'], exclude: [], compilerOptions: { noEmit: true } }),
    );
    const run = spawnSync(process.execPath, [tsc, '-p', dir], { encoding: 'utf8' });
    const reported = [...new Set([...run.stdout.matchAll(/clients\.ts\((\d+),\d+\): error/g)].map((m) => Number(m[1])))].sort((a, b) => a - b);
    expect(run.status).not.toBe(0);
    expect(reported).toEqual(expected);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);
