import type { Command } from 'commander';
import { PROVIDERS } from '../../contracts/providers.ts';
import { stdoutWrite, type StepResult } from '../step.ts';
import { checkEmbeddedSandbox } from '../../harness/embedded.ts';
import type { RunReport } from '../../harness/run.ts';
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
  const reports: Array<{ provider: string; report: HarnessCounts }> = [];
  for (const provider of PROVIDERS) {
    const report = await checkEmbeddedSandbox(provider);
    reports.push({ provider: provider.id, report });
    stdoutWrite(harnessLine(provider.id, report));
    for (const f of report.findings.filter((x) => x.outcome === 'fail')) stdoutWrite(`  ${f.check} ${f.subject}: ${f.reason}`);
  }
  return harnessStep(reports);
}

type HarnessCounts = Pick<RunReport, 'passed' | 'failed' | 'skipped'>;

/** One provider's line: what was checked and how it came out, skipped findings included. */
export function harnessLine(provider: string, r: HarnessCounts): string {
  return `${r.failed ? 'FAIL' : 'ok  '} check ${provider}: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped (findings of accord check against the embedded ${provider} sandbox)`;
}

/** The summary row of the harness step: totals over the providers, skipped findings included. */
export function harnessStep(reports: ReadonlyArray<{ provider: string; report: HarnessCounts }>): StepResult {
  const sum = (k: keyof HarnessCounts) => reports.reduce((n, r) => n + r.report[k], 0);
  return {
    name: 'check',
    ok: sum('failed') === 0,
    detail: `contract harness against the ${reports.length} sandboxes: ${sum('passed')} passed, ${sum('failed')} failed, ${sum('skipped')} skipped (a skip is a check that does not apply to an operation; accord check --verbose lists them)`,
  };
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
