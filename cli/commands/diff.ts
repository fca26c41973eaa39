import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { REPO_ROOT } from '../../contracts/providers.ts';
import { DiffInputError, gitTopLevel } from '../../diff/git.ts';
import { humanReport } from '../../diff/report/human.ts';
import { jsonReport } from '../../diff/report/json.ts';
import { markdownReport } from '../../diff/report/markdown.ts';
import { RULES } from '../../diff/rules/index.ts';
import { diffProvider } from '../../diff/run.ts';
import { UsageError } from '../errors.ts';
import { providersFromArgs } from '../providers-arg.ts';

const FORMATS = ['human', 'json', 'markdown'] as const;
const FAIL_ON = ['breaking', 'risky', 'never'] as const;

/** `accord diff <provider> --base <git-ref>`: breaking and non-breaking changes of a spec since a ref. */
export function registerDiff(program: Command): void {
  program
    .command('diff')
    .description("compare a provider's spec at a git ref with the working tree; list breaking, risky and non-breaking changes (exit 1 when anything breaks)")
    .argument('[provider]', 'starship, istar, sirgiving or odm')
    .option('--base <ref>', 'git ref of the spec clients were built against (branch, tag, sha, HEAD~1, origin/main)')
    .option('--head <ref>', 'compare with this ref instead of the working tree')
    .option('--format <format>', 'human, json or markdown', 'human')
    .option('--fail-on <level>', 'exit 1 on: breaking (default), risky (breaking or risky) or never', 'breaking')
    .option('--repo <dir>', 'the git work tree holding specs/ (default: the one around the current folder)')
    .option('--output <file>', 'write the report to a file instead of stdout')
    .option('--verbose', 'list every affected operation')
    .option('--rules', 'list the rules and exit')
    .action(async (providerName: string | undefined, opts: Record<string, string | boolean | undefined>) => {
      if (opts.rules) {
        for (const r of RULES) process.stdout.write(`${r.id.padEnd(30)} ${r.summary}\n`);
        process.exitCode = 0;
        return;
      }
      if (!providerName) throw new UsageError('name the provider: accord diff <starship|istar|sirgiving|odm> --base <git-ref>');
      const [provider] = providersFromArgs([providerName]);
      if (typeof opts.base !== 'string' || !opts.base) throw new UsageError('--base <git-ref> is required (e.g. --base origin/main, --base HEAD~1)');
      const format = String(opts.format);
      if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be human, json or markdown, got "${format}"`);
      const failOn = String(opts.failOn);
      if (!(FAIL_ON as readonly string[]).includes(failOn)) throw new UsageError(`--fail-on must be breaking, risky or never, got "${failOn}"`);
      let report;
      try {
        const repo = gitTopLevel(typeof opts.repo === 'string' ? path.resolve(opts.repo) : process.cwd());
        report = await diffProvider({
          repo,
          provider: provider!.id,
          specRel: path.relative(REPO_ROOT, provider!.specPath),
          base: opts.base,
          ...(typeof opts.head === 'string' ? { head: opts.head } : {}),
        });
      } catch (err) {
        if (err instanceof DiffInputError) throw new UsageError(err.message);
        throw err;
      }
      const text = format === 'json' ? jsonReport(report) : format === 'markdown' ? markdownReport(report) : humanReport(report, { verbose: Boolean(opts.verbose) });
      if (typeof opts.output === 'string') fs.writeFileSync(opts.output, text);
      else process.stdout.write(text);
      const fails = failOn === 'never' ? false : failOn === 'risky' ? report.summary.breaking + report.summary.risky > 0 : report.breaking;
      process.exitCode = fails ? 1 : 0;
    });
}
