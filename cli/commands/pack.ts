import path from 'node:path';
import type { Command } from 'commander';
import { packAll } from '../../packaging/pack.ts';

/** `accord pack [--out dir]`: the CLI and SDK tarballs (npm pack), ready for `npm install <file>`. */
export function registerPack(program: Command): void {
  program
    .command('pack')
    .description('build the installable CLI and pack it and the four SDK packages (npm pack) into a folder')
    .option('--out <dir>', 'output folder', path.join('.accord', 'pack'))
    .action(async (opts: { out: string }) => {
      const result = await packAll(path.resolve(opts.out), (line) => process.stdout.write(line + '\n'));
      process.stdout.write(`installed CLI: ${result.cli.commands.join(', ')}; in the repository only: ${Object.keys(result.cli.repositoryOnly).join(', ')}\n`);
      process.exitCode = 0;
    });
}
