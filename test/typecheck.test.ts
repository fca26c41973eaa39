// The whole project (hand-written and, once it exists, generated code) type-checks under the
// strict tsconfig. A type error anywhere fails `make test`, not only an editor squiggle.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { expect, it } from 'vitest';
import { REPO_ROOT } from '../contracts/providers.ts';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

it('type-checks with tsc --noEmit', () => {
  const run = spawnSync(process.execPath, [tsc, '--noEmit', '-p', REPO_ROOT], { cwd: REPO_ROOT, encoding: 'utf8' });
  expect(run.stdout + run.stderr).toBe('');
  expect(run.status).toBe(0);
}, 180_000);
