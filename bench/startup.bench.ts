/**
 * CLI startup: `accord --help` from the compiled CLI (what `npm install` of the @accord/cli tarball
 * runs: packaging/build-cli.ts output, plain node) against the repository's launcher (bin/accord.mjs,
 * the TypeScript sources through tsx), each a fresh node process, interleaved, median of the rounds.
 * The compiled copy is built under .accord/bench/ so it resolves the repository's node_modules, as an
 * install resolves its own. Target: the compiled CLI at least 2x faster.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from '../contracts/providers.ts';
import { buildCli } from '../packaging/build-cli.ts';
import { median, type Report } from './run.ts';

const ROUNDS = 7;

function timed(args: string[]): number {
  const t = performance.now();
  execFileSync(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  return performance.now() - t;
}

export default async function bench(report: Report): Promise<void> {
  const built = await buildCli(path.join(REPO_ROOT, '.accord', 'bench', 'cli'));
  const compiled = [path.join(built.dir, 'bin', 'accord.js'), '--help'];
  const tsx = [path.join(REPO_ROOT, 'bin', 'accord.mjs'), '--help'];
  timed(compiled); // warm-up: file system cache
  timed(tsx);
  const ours: number[] = [];
  const today: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    ours.push(timed(compiled));
    today.push(timed(tsx));
  }
  const ratio = median(today) / median(ours);
  report(`accord --help: compiled (installed) ${median(ours).toFixed(0)} ms vs tsx ${median(today).toFixed(0)} ms = ${ratio.toFixed(1)}x faster (target >= 2x) ${ratio >= 2 ? 'ok' : 'UNDER'}`);
}
