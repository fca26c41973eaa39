import type { Command } from 'commander';
import { selectProviders, UnknownProviderError } from '../../contracts/providers.ts';
import { runRedocly } from '../../contracts/redocly.ts';
import { UsageError } from '../errors.ts';

/** `accord lint [provider…]`: Redocly under the strict ruleset in redocly.yaml. */
export function registerLint(program: Command): void {
  program
    .command('lint')
    .description('lint the provider specs with Redocly under the strict ruleset (redocly.yaml)')
    .argument('[providers...]', 'starship, istar, sirgiving, odm (default: all)')
    .action((names: string[]) => {
      let providers;
      try {
        providers = selectProviders(names);
      } catch (err) {
        if (err instanceof UnknownProviderError) throw new UsageError(err.message);
        throw err;
      }
      let failed = 0;
      for (const p of providers) {
        const run = runRedocly(['lint', p.id, '--format', 'stylish', '--max-problems', '200']);
        const out = `${run.stdout}\n${run.stderr}`;
        const warnings = /(\d+) warnings?/.exec(out)?.[1] ?? '0';
        const ok = run.status === 0 && warnings === '0';
        if (!ok) {
          failed++;
          process.stdout.write(out.split('\n').filter((l) => l.trim() && !/[╔╚║]/.test(l)).join('\n') + '\n');
        }
        process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} lint ${p.id}\n`);
      }
      process.exitCode = failed ? 1 : 0;
    });
}
