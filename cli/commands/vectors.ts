import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { isSchemeId, SCHEMES, SCHEME_IDS } from '../../signing/index.ts';
import { buildVectorFile, serializeVectorFile, vectorPath, writeVectorFiles } from '../../signing/vectors/generate.ts';
import { loadVectorFile, runVectorFile } from '../../signing/vectors/run.ts';
import { UsageError } from '../errors.ts';
import { stdoutWrite, type StepResult, type Write } from '../step.ts';

export interface VectorsOptions {
  scheme?: string;
  /** Regenerate the files from signing/vectors/cases.ts first. */
  write?: boolean;
  /** Also fail when regenerating would change a committed file. */
  check?: boolean;
}

/** Runs the committed vectors of every scheme (or one) through the engine: a step of `accord all`. */
export function runVectors(options: VectorsOptions = {}, write: Write = stdoutWrite): StepResult {
  if (options.write) {
    for (const w of writeVectorFiles(options.scheme)) write(`${w.changed ? 'wrote' : 'same '} ${w.path} (${w.positive} positive, ${w.negative} negative)`);
  }
  let failed = 0;
  let vectors = 0;
  const schemes = SCHEMES.filter((s) => !options.scheme || s.id === options.scheme);
  for (const scheme of schemes) {
    let file;
    try {
      file = loadVectorFile(scheme.id);
    } catch (err) {
      failed++;
      write(`FAIL vectors ${scheme.id}: cannot load ${vectorPath(scheme)} (${(err as Error).message.split('\n')[0]}); run accord vectors --write`);
      continue;
    }
    const outcomes = runVectorFile(file);
    vectors += outcomes.length;
    const bad = outcomes.filter((o) => !o.ok);
    for (const o of bad) write(`  ${o.kind} ${o.id}: ${o.problems.join('; ')}`);
    const drift = options.check === true && readFileSync(vectorPath(scheme), 'utf8') !== serializeVectorFile(buildVectorFile(scheme));
    if (drift) write("  the generator's output differs from the committed file: run accord vectors --write and review the diff");
    if (bad.length || drift) failed++;
    write(`${bad.length || drift ? 'FAIL' : 'ok  '} vectors ${scheme.id}: ${file.positive.length} positive, ${file.negative.length} negative, ${bad.length} failed`);
  }
  return { name: 'vectors', ok: failed === 0, detail: `${schemes.length} schemes, ${vectors} vectors, ${failed} schemes failed` };
}

/** `accord vectors [--scheme ID] [--write] [--check]` */
export function registerVectors(program: Command): void {
  program
    .command('vectors')
    .description('run the signing test vectors (specs/<provider>/vectors/*.json) through the engine; --write regenerates them')
    .option('--scheme <id>', `only this scheme: ${SCHEME_IDS.join(', ')}`)
    .option('--write', 'regenerate the vector files from the declared cases (signing/vectors/cases.ts) first')
    .option('--check', 'also fail when regenerating would change a committed file')
    .action((flags: VectorsOptions) => {
      if (flags.scheme !== undefined && !isSchemeId(flags.scheme)) {
        throw new UsageError(`--scheme: unknown scheme "${flags.scheme.slice(0, 64)}" (expected one of ${SCHEME_IDS.join(', ')})`);
      }
      process.exitCode = runVectors(flags).ok ? 0 : 1;
    });
}
