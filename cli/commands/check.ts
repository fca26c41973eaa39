import fs from 'node:fs';
import { CommanderError, type Command } from 'commander';
import { CHECKS, selectChecks } from '../../harness/catalogue.ts';
import { humanReport } from '../../harness/reporters/human.ts';
import { jsonReport } from '../../harness/reporters/json.ts';
import { junitReport } from '../../harness/reporters/junit.ts';
import { PreflightError } from '../../harness/preflight.ts';
import { runChecks, runFailed } from '../../harness/run.ts';
import { buildTarget, readCredentialsFile, TargetError } from '../../harness/target.ts';
import { UsageError } from '../errors.ts';
import { startProgress } from '../progress.ts';
import { providersFromArgs } from '../providers-arg.ts';

const REPORTERS = { human: humanReport, json: jsonReport, junit: junitReport } as const;

function positiveInt(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive integer, got "${value}"`);
  return n;
}

/** `accord check <provider> --base-url URL --credentials FILE …`: the contract harness. */
export function registerCheck(program: Command): void {
  program
    .command('check')
    .description('check any implementation of a provider (sandbox, provider, partner server) against the spec, signers and vectors')
    .argument('<provider>', 'starship, istar, sirgiving or odm')
    .option('--base-url <url>', "base URL of the implementation, including the base path (default: the credentials file's baseUrl)")
    .option('--credentials <file>', 'credentials file (accord-sandbox-credentials/1)')
    .option('--checks <list>', `comma-separated checks (default: all but the opt-in ones)`)
    .option('--reporter <name>', 'human, json or junit', 'human')
    .option('--output <file>', 'write the report to a file instead of stdout')
    .option('--seed <n>', 'seed for generated inputs', '1')
    .option('--max-examples <n>', 'generated inputs per operation (fuzz, negative data)', '20')
    .option('--list', 'print the catalogue of checks and exit (no provider needed)')
    .option('--verbose', 'list passing findings too')
    // --list answers before commander asks for the (required) provider: exit 0 through main().
    .on('option:list', () => {
      for (const c of CHECKS) process.stdout.write(`${c.id.padEnd(24)} ${c.group.padEnd(12)} ${c.optIn ? '(opt-in) ' : ''}${c.summary}\n`);
      throw new CommanderError(0, 'accord.listed', 'catalogue listed');
    })
    .action(async (providerName: string, opts: Record<string, string | boolean | undefined>) => {
      const [provider] = providersFromArgs([providerName]);
      if (!opts.credentials) throw new UsageError('--credentials is required (the sandbox writes .accord/sandbox/credentials.json)');
      const reporter = REPORTERS[String(opts.reporter) as keyof typeof REPORTERS];
      if (!reporter) throw new UsageError(`--reporter must be human, json or junit, got "${opts.reporter}"`);
      let checks;
      try {
        checks = selectChecks(typeof opts.checks === 'string' ? opts.checks.split(',').map((s) => s.trim()).filter(Boolean) : undefined);
      } catch (err) {
        throw new UsageError(`--checks: ${(err as Error).message}`);
      }
      const seed = positiveInt('--seed', String(opts.seed));
      const maxExamples = positiveInt('--max-examples', String(opts.maxExamples));
      let target;
      try {
        const entry = readCredentialsFile(String(opts.credentials), provider!.id);
        const baseUrl = typeof opts.baseUrl === 'string' ? opts.baseUrl : entry.baseUrl;
        if (!baseUrl) throw new TargetError(`--base-url is required: ${opts.credentials} gives no baseUrl for ${provider!.id} (e.g. http://127.0.0.1:4101/api/v1/partner)`);
        target = await buildTarget(provider!, baseUrl, entry);
      } catch (err) {
        if (err instanceof TargetError) throw new UsageError(err.message);
        throw err;
      }
      // On stderr, so a json or junit report on stdout stays clean; a long check (fuzz) keeps saying it runs.
      // Started with the first check, so a pre-flight refusal stays the run's one line.
      let progress: ReturnType<typeof startProgress> | undefined;
      let report;
      try {
        report = await runChecks(target, checks, { seed, maxExamples }, {
          preflight: true,
          explicit: typeof opts.checks === 'string',
          onCheckStart: (check, i) => (progress ??= startProgress('accord check', checks.length)).update(i, check.id),
          onCheckEnd: () => void 0,
        });
      } catch (err) {
        if (err instanceof PreflightError) throw new UsageError(err.message);
        throw err;
      } finally {
        progress?.stop();
      }
      const text = reporter(report, { verbose: Boolean(opts.verbose) });
      if (opts.output) fs.writeFileSync(String(opts.output), text);
      else process.stdout.write(text);
      process.exitCode = runFailed(report) ? 1 : 0;
    });
}
