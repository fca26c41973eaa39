import type { Command } from 'commander';
import type { Provider } from '../../contracts/providers.ts';
import { runRedocly } from '../../contracts/redocly.ts';
import { providersFromArgs } from '../providers-arg.ts';
import { stdoutWrite, type StepResult, type Write } from '../step.ts';

/** Lints each provider's spec with Redocly under the strict ruleset; zero warnings required too. */
export function lintSpecs(providers: readonly Provider[], write: Write = stdoutWrite): StepResult {
  let errors = 0;
  let warnings = 0;
  let failed = 0;
  for (const p of providers) {
    const run = runRedocly(['lint', p.id, '--format', 'json']);
    let totals: { errors: number; warnings: number };
    let problems: any[] = [];
    try {
      const json = JSON.parse(run.stdout.slice(run.stdout.indexOf('{')));
      totals = json.totals;
      problems = json.problems;
    } catch {
      totals = { errors: 1, warnings: 0 };
      problems = [{ ruleId: 'redocly', message: (run.stderr || run.stdout).trim().split('\n').slice(-2).join(' '), location: [] }];
    }
    errors += totals.errors;
    warnings += totals.warnings;
    const ok = totals.errors === 0 && totals.warnings === 0;
    if (!ok) failed++;
    for (const problem of problems) {
      const loc = problem.location?.[0];
      write(`  ${problem.severity ?? 'error'} ${problem.ruleId} ${loc ? `${loc.source?.ref ?? ''} ${loc.pointer ?? ''}` : ''}: ${problem.message}`);
    }
    write(`${ok ? 'ok  ' : 'FAIL'} lint ${p.id}: ${totals.errors} errors, ${totals.warnings} warnings`);
  }
  return { name: 'lint', ok: failed === 0, detail: `${providers.length} specs, ${errors} errors, ${warnings} warnings` };
}

/** `accord lint [provider…]` */
export function registerLint(program: Command): void {
  program
    .command('lint')
    .description('lint the provider specs with Redocly under the strict ruleset (redocly.yaml)')
    .argument('[providers...]', 'starship, istar, sirgiving, odm (default: all)')
    .action((names: string[]) => {
      process.exitCode = lintSpecs(providersFromArgs(names)).ok ? 0 : 1;
    });
}
