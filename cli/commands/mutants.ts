import type { Command } from 'commander';
import { MUTANTS } from '../../test/mutants/mutants.ts';
import { evidence, markdownTable, mutantTable } from '../../test/mutants/table.ts';
import { UsageError } from '../errors.ts';

/**
 * `accord mutants [--table] [--only a,b] [--evidence]`: the deliberately broken implementations of
 * test/mutants/, and with --table which of them accord, Dredd and Prism's proxy each catch.
 */
export function registerMutants(program: Command): void {
  program
    .command('mutants')
    .description("list the deliberately broken implementations (test/mutants/); --table runs accord, Dredd and Prism's proxy against each and prints the README's table")
    .option('--table', 'run the three tools against every mutant and print the markdown table')
    .option('--only <ids>', 'comma-separated mutant ids')
    .option('--evidence', 'with --table: also print what each tool reported')
    .option('--no-dredd', 'with --table: leave Dredd out')
    .option('--no-prism', "with --table: leave Prism's proxy out")
    .action(async (opts: { table?: boolean; only?: string; evidence?: boolean; dredd: boolean; prism: boolean }) => {
      const only = opts.only?.split(',').map((s) => s.trim()).filter(Boolean);
      const unknown = (only ?? []).filter((id) => !MUTANTS.some((m) => m.id === id));
      if (unknown.length) throw new UsageError(`--only: unknown mutant ${unknown.join(', ')}; expected any of ${MUTANTS.map((m) => m.id).join(', ')}`);
      if (!opts.table) {
        for (const m of MUTANTS.filter((x) => !only || only.includes(x.id))) process.stdout.write(`${m.id.padEnd(36)} ${m.provider.padEnd(10)} ${m.check.padEnd(24)} ${m.defect}\n`);
        process.exitCode = 0;
        return;
      }
      const rows = await mutantTable({
        ...(only ? { only } : {}),
        skip: [...(opts.dredd ? [] : (['dredd'] as const)), ...(opts.prism ? [] : (['prism'] as const))],
        log: (line) => process.stderr.write(`${line}\n`),
      });
      process.stdout.write(`${markdownTable(rows)}\n`);
      if (opts.evidence) process.stdout.write(`\n${evidence(rows)}\n`);
      // The command fails when accord misses a mutant: the table is the harness's proof.
      process.exitCode = rows.every((r) => r.accord.caught) ? 0 : 1;
    });
}
