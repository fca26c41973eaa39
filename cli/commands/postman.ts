import path from 'node:path';
import type { Command } from 'commander';
import { REPO_ROOT } from '../../contracts/providers.ts';
import { CredentialsFileError, readSandboxCredentials, writePostman } from '../../postman/index.ts';
import { UsageError } from '../errors.ts';
import { providersFromArgs } from '../providers-arg.ts';

/** Relative to the working directory (the user's project, not the installed package). */
export const DEFAULT_POSTMAN_DIR = path.join('.accord', 'postman');

/** `accord postman <provider…>`: a Postman collection (v2.1) and environments per provider. */
export function registerPostman(program: Command): void {
  program
    .command('postman')
    .description('write a Postman collection (v2.1) with a signing pre-request script, and environments, per provider')
    .argument('<providers...>', 'starship, istar, sirgiving, odm')
    .option('--out <dir>', 'output folder', DEFAULT_POSTMAN_DIR)
    .option('--credentials <file>', "fill the accord-sandbox environment from this credentials file of `accord serve` (base URL and test credentials; written 0600)")
    .action(async (names: string[], opts: { out: string; credentials?: string }) => {
      const providers = providersFromArgs(names);
      const outDir = path.resolve(opts.out);
      for (const provider of providers) {
        let local: ReturnType<typeof readSandboxCredentials> | undefined;
        try {
          if (opts.credentials) local = readSandboxCredentials(path.resolve(opts.credentials), provider.id);
        } catch (err) {
          if (err instanceof CredentialsFileError) throw new UsageError(err.message);
          throw err;
        }
        const { generated, files } = await writePostman(provider, outDir, local);
        const signed = generated.requests.filter((r) => r.signed).length;
        const scheme = generated.scriptConfig.defaultScheme ?? 'no request signing';
        process.stdout.write(`${provider.id}: ${generated.requests.length} requests in ${generated.collection.item.length} folders, ${signed} signed (${scheme})\n`);
        for (const f of files) process.stdout.write(`  ${path.relative(process.cwd(), f.file) || f.file}${f.secret ? '  (test credentials, mode 0600)' : ''}\n`);
      }
    });
}
