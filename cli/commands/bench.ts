import type { Command } from 'commander';
import { runBenches } from '../../bench/run.ts';

/** `accord bench [filter]`: every benchmark, each a ratio against a peer in the same run. */
export function registerBench(program: Command): void {
  program
    .command('bench')
    .description('run the benchmarks in bench/ (ratios against peers measured in the same run)')
    .argument('[filter]', 'only benches whose file name contains this')
    .action(async (filter?: string) => {
      await runBenches(filter);
      process.exitCode = 0;
    });
}
