// `make` on a fresh clone: npm ci is silent for minutes, so the Makefile says it runs, and keeps
// saying so; npm's failure still fails make. A stand-in npm on PATH plays the slow install.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { REPO_ROOT } from '../../contracts/providers.ts';

// Under `make test` the parent make's variables would reach this make (and its jobserver): drop them.
const { MAKEFLAGS: _flags, MFLAGS: _mflags, MAKELEVEL: _level, ...outsideMake } = process.env;

function makeDeps(npmExit: number): Promise<{ code: number; stdout: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-make-'));
  for (const f of ['Makefile', 'package.json', 'package-lock.json']) fs.copyFileSync(path.join(REPO_ROOT, f), path.join(dir, f));
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, 'npm'), `#!/bin/sh\nsleep 3\nmkdir -p node_modules\nexit ${npmExit}\n`, { mode: 0o755 });
  return new Promise((resolve) =>
    execFile('make', ['--no-print-directory', 'deps', 'PROGRESS_EVERY=1'], { cwd: dir, env: { ...outsideMake, PATH: `${bin}:${process.env.PATH}` }, timeout: 30_000 }, (err, stdout) => {
      fs.rmSync(dir, { recursive: true, force: true });
      resolve({ code: err ? Number((err as { code?: number }).code ?? -1) : 0, stdout });
    }),
  );
}

it.each([
  { given: 'npm ci succeeds', npmExit: 0, wantCode: 0 },
  { given: 'npm ci fails', npmExit: 1, wantCode: 2 },
])('$given: make says what it installs, then that it still runs; exit $wantCode', async ({ npmExit, wantCode }) => {
  const r = await makeDeps(npmExit);
  expect(r.code).toBe(wantCode);
  const lines = r.stdout.trim().split('\n');
  expect(lines[0]).toBe('installing dependencies: npm ci (about 2 minutes on a fresh clone)');
  expect(lines.filter((l) => /^ {2}npm ci still installing \(\d+ s\)$/.test(l)).length).toBeGreaterThanOrEqual(2);
}, 40_000);
