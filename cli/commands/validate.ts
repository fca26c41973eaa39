import type { Command } from 'commander';
import { bundleSpec } from '../../contracts/bundle.ts';
import { selectProviders, UnknownProviderError } from '../../contracts/providers.ts';
import { validateSpecDocument } from '../../contracts/validate.ts';
import { UsageError } from '../errors.ts';

/** `accord validate [provider…]`: second-validator structure check, ajv compile, every example. */
export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('validate each bundled spec as OpenAPI 3.1 (independent validator), compile every schema with ajv and check every example')
    .argument('[providers...]', 'starship, istar, sirgiving, odm (default: all)')
    .action(async (names: string[]) => {
      let providers;
      try {
        providers = selectProviders(names);
      } catch (err) {
        if (err instanceof UnknownProviderError) throw new UsageError(err.message);
        throw err;
      }
      let failed = 0;
      for (const p of providers) {
        const report = await validateSpecDocument(bundleSpec(p.specPath));
        for (const problem of report.problems) process.stdout.write(`  ${problem.kind} ${problem.pointer}: ${problem.message}\n`);
        if (report.problems.length) failed++;
        process.stdout.write(`${report.problems.length ? 'FAIL' : 'ok  '} validate ${p.id}: ${report.schemasCompiled} schemas compiled, ${report.examplesValidated} examples validated, ${report.problems.length} problems\n`);
      }
      process.exitCode = failed ? 1 : 0;
    });
}
