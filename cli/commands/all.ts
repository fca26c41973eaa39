import type { Command } from 'commander';
import { PROVIDERS } from '../../contracts/providers.ts';
import { stdoutWrite, type StepResult } from '../step.ts';
import { checkEmbeddedSandbox } from '../../harness/embedded.ts';
import { checkGenerated } from './generate.ts';
import { lintSpecs } from './lint.ts';
import { validateSpecs } from './validate.ts';
import { runVectors } from './vectors.ts';

/**
 * The steps of the main job, in order. Each later issue adds its step here (generate, the
 * contract harness against the embedded sandboxes); a failing step does not stop the others,
 * so the summary shows everything at once.
 */
const STEPS: Array<() => StepResult | Promise<StepResult>> = [
  () => lintSpecs(PROVIDERS),
  () => validateSpecs(PROVIDERS),
  () => runVectors(),
  // by content hash: `make` stays fast; the drift test (make test) renders everything again
  () => checkGenerated(PROVIDERS, undefined, { trustManifest: true }),
  () => harnessAgainstSandboxes(),
];

/** The contract harness (default checks) against the four embedded sandboxes. */
async function harnessAgainstSandboxes(): Promise<StepResult> {
  let passed = 0;
  let failed = 0;
  for (const provider of PROVIDERS) {
    const report = await checkEmbeddedSandbox(provider);
    passed += report.passed;
    failed += report.failed;
    stdoutWrite(`${report.failed ? 'FAIL' : 'ok  '} check ${provider.id}: ${report.passed} passed, ${report.failed} failed, ${report.skipped} skipped`);
    for (const f of report.findings.filter((x) => x.outcome === 'fail')) stdoutWrite(`  ${f.check} ${f.subject}: ${f.reason}`);
  }
  return { name: 'check', ok: failed === 0, detail: `contract harness against the 4 sandboxes: ${passed} passed, ${failed} failed` };
}

export async function runAll(): Promise<StepResult[]> {
  const results: StepResult[] = [];
  for (const step of STEPS) results.push(await step());
  return results;
}

/** `accord all`: what `make` runs. Serves nothing in the foreground; ends with a summary table. */
export function registerAll(program: Command): void {
  program
    .command('all')
    .description('the main job (`make`): lint and validate the specs, run the signing vectors, check generated/, run the contract harness against the embedded sandboxes, then print a summary')
    .action(async () => {
      const results = await runAll();
      const width = Math.max(...results.map((r) => r.name.length));
      stdoutWrite('\nsummary');
      for (const r of results) stdoutWrite(`  ${r.ok ? 'ok  ' : 'FAIL'} ${r.name.padEnd(width)}  ${r.detail}`);
      const failed = results.filter((r) => !r.ok).length;
      stdoutWrite(failed ? `${failed} of ${results.length} steps failed` : `all ${results.length} steps passed`);
      process.exitCode = failed ? 1 : 0;
    });
}
