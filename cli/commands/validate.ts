import type { Command } from 'commander';
import { bundleSpec } from '../../contracts/bundle.ts';
import type { Provider } from '../../contracts/providers.ts';
import { validateSpecDocument } from '../../contracts/validate.ts';
import { providersFromArgs } from '../providers-arg.ts';
import { stdoutWrite, type StepResult, type Write } from '../step.ts';

/** Second-validator structure check, every schema compiled with ajv, every example validated. */
export async function validateSpecs(providers: readonly Provider[], write: Write = stdoutWrite): Promise<StepResult> {
  let failed = 0;
  let schemas = 0;
  let examples = 0;
  for (const p of providers) {
    const report = await validateSpecDocument(await bundleSpec(p.specPath));
    for (const problem of report.problems) write(`  ${problem.kind} ${problem.pointer}: ${problem.message}`);
    if (report.problems.length) failed++;
    schemas += report.schemasCompiled;
    examples += report.examplesValidated;
    write(`${report.problems.length ? 'FAIL' : 'ok  '} validate ${p.id}: ${report.schemasCompiled} schemas compiled, ${report.examplesValidated} examples validated, ${report.problems.length} problems`);
  }
  return { name: 'validate', ok: failed === 0, detail: `${schemas} schemas compiled, ${examples} examples validated, ${failed} specs failing` };
}

/** `accord validate [provider…]` */
export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('validate each bundled spec as OpenAPI 3.1 (independent validator), compile every schema with ajv and check every example')
    .argument('[providers...]', 'starship, istar, sirgiving, odm (default: all)')
    .action(async (names: string[]) => {
      process.exitCode = (await validateSpecs(providersFromArgs(names))).ok ? 0 : 1;
    });
}
