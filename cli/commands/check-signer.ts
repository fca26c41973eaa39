import fs from 'node:fs';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { isSchemeId, SCHEME_IDS } from '../../signing/index.ts';
import type { SchemeId } from '../../signing/types.ts';
import { SIGNER_REPORTERS } from '../../harness/signer/report.ts';
import { checkSigner } from '../../harness/signer/run.ts';
import { commandTransport, httpTransport, TransportError, type Transport } from '../../harness/signer/transport.ts';
import type { Role, SignerReport } from '../../harness/signer/types.ts';
import { UsageError } from '../errors.ts';

function positiveInt(flag: string, value: string): number {
  if (!/^[1-9][0-9]{0,8}$/.test(value)) throw new UsageError(`${flag} must be a positive integer, got "${value.slice(0, 32)}"`);
  return Number(value);
}

function schemesFlag(value: string | undefined): SchemeId[] {
  if (!value) throw new UsageError(`--scheme is required: one of ${SCHEME_IDS.join(', ')}, a comma-separated list, or all`);
  const ids = value === 'all' ? [...SCHEME_IDS] : value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const id of ids) if (!isSchemeId(id)) throw new UsageError(`--scheme: unknown scheme "${id.slice(0, 64)}" (expected one of ${SCHEME_IDS.join(', ')}, or all)`);
  return ids as SchemeId[];
}

/** `accord check-signer --scheme ID --command 'CMD ARGS…' | --url URL`: judges an external signer/verifier. */
export function registerCheckSigner(program: Command): void {
  program
    .command('check-signer')
    .description('check an external signer and verifier (any language) against the vectors and generated cases, through the protocol of specs/VECTORS.md')
    .option('--scheme <id>', `signing scheme: ${SCHEME_IDS.join(', ')}; a comma-separated list; or all`)
    .option('--command <cmd>', 'command that serves the protocol on stdin/stdout (one JSON line each way), run with sh -c')
    .option('--url <url>', 'or: an HTTP endpoint taking one protocol request per POST')
    .option('--role <role>', 'signer, verifier or both', 'both')
    .option('--cases <n>', 'generated property cases per scheme (each: sign, verify, and a negative)', '1000')
    .option('--seed <n>', 'seed for generated cases', '1')
    .option('--timeout <ms>', 'longest wait for one answer', '30000')
    .option('--no-shrink', 'do not shrink the first failing generated case')
    .option('--reporter <name>', 'human, json or junit', 'human')
    .option('--output <file>', 'write the report to a file instead of stdout')
    .action(async (opts: Record<string, string | boolean | undefined>) => {
      const schemes = schemesFlag(opts.scheme as string | undefined);
      if (Boolean(opts.command) === Boolean(opts.url)) throw new UsageError("give exactly one of --command 'CMD ARGS…' (a process speaking the protocol) or --url URL");
      const role = String(opts.role) as Role;
      if (!['signer', 'verifier', 'both'].includes(role)) throw new UsageError(`--role must be signer, verifier or both, got "${role.slice(0, 32)}"`);
      const reporterName = String(opts.reporter) as keyof typeof SIGNER_REPORTERS;
      const reporter = SIGNER_REPORTERS[reporterName];
      if (!reporter) throw new UsageError(`--reporter must be human, json or junit, got "${String(opts.reporter).slice(0, 32)}"`);
      const cases = positiveInt('--cases', String(opts.cases));
      const seed = positiveInt('--seed', String(opts.seed));
      const timeoutMs = positiveInt('--timeout', String(opts.timeout));
      let transport: Transport;
      try {
        transport = opts.url ? httpTransport(String(opts.url), { timeoutMs }) : commandTransport(String(opts.command), { timeoutMs });
      } catch (err) {
        if (err instanceof TransportError) throw new UsageError(err.message);
        throw err;
      }
      const human = reporterName === 'human';
      const bar = human && process.stderr.isTTY ? new cliProgress.SingleBar({ format: 'check-signer {scheme} {phase} {bar} {value}/{total}', stream: process.stderr, clearOnComplete: true }, cliProgress.Presets.shades_classic) : undefined;
      const reports: SignerReport[] = [];
      try {
        for (const scheme of schemes) {
          let lastPhase = '';
          const report = await checkSigner({
            scheme,
            role,
            seed,
            cases,
            transport,
            shrink: opts.shrink !== false,
            onProgress: (phase, done, total) => {
              if (bar) {
                if (phase !== lastPhase) bar.start(total, done, { scheme, phase });
                else bar.update(done);
              } else if (human && phase !== lastPhase) process.stderr.write(`check-signer ${scheme}: ${phase}\n`);
              lastPhase = phase;
            },
          });
          bar?.stop();
          // Not one answer: the command or URL is wrong, which is configuration, not a failed check.
          if (report.passed === 0 && report.stages.length === 1 && report.stages[0] === 'protocol') {
            const why = report.failures[0]?.mismatch.received.replace(/^error: /, '') ?? 'no answer';
            const flag = opts.url ? '--url' : '--command';
            throw new UsageError(`${flag}: not one answer from the signer (${why.replace(/\s+/g, ' ').slice(0, 200)}): check that it runs and speaks the protocol of specs/VECTORS.md`);
          }
          reports.push(report);
        }
      } finally {
        await transport.close();
      }
      const text = reporterName === 'json' && reports.length > 1 ? `${JSON.stringify(reports, null, 2)}\n` : reports.map((r) => reporter(r)).join(human ? '\n' : '');
      if (opts.output) fs.writeFileSync(String(opts.output), text);
      else process.stdout.write(text);
      process.exitCode = reports.some((r) => r.failed > 0) ? 1 : 0;
    });
}
