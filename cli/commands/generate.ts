import type { Command } from 'commander';
import type { Provider } from '../../contracts/providers.ts';
import { checkProvider, generateProvider } from '../../generators/pipeline.ts';
import { providersFromArgs } from '../providers-arg.ts';
import { stdoutWrite, type StepResult, type Write } from '../step.ts';

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** Regenerates what changed: one line per provider with its time (nothing with `quiet`). */
export async function generate(providers: readonly Provider[], opts: { force?: boolean; quiet?: boolean } = {}, write: Write = stdoutWrite): Promise<StepResult> {
  const started = performance.now();
  let generated = 0;
  for (const p of providers) {
    const r = await generateProvider(p, { force: opts.force ?? false });
    if (r.status === 'generated') generated++;
    if (!opts.quiet) write(`${r.status === 'generated' ? 'generated' : 'unchanged'} ${p.id.padEnd(9)} ${String(r.files).padStart(3)} files  ${seconds(r.ms)}`);
  }
  return { name: 'generate', ok: true, detail: `${generated} regenerated, ${providers.length - generated} unchanged, ${seconds(performance.now() - started)}` };
}

/** The drift check: names every file of generated/ that is out of date with specs/. */
export async function checkGenerated(providers: readonly Provider[], write: Write = stdoutWrite, options: { trustManifest?: boolean } = {}): Promise<StepResult> {
  const stale: string[] = [];
  for (const p of providers) {
    const r = await checkProvider(p, options);
    stale.push(...r.stale);
    // generated/ regenerated in memory and compared with the committed files
    write(`${r.stale.length ? 'FAIL' : 'ok  '} generated ${p.id}: ${r.stale.length ? `${r.stale.length} files out of date with specs/${p.id}/` : `up to date with specs/${p.id}/`} (regenerated in memory and compared, ${seconds(r.ms)})`);
    for (const f of r.stale) write(`  ${f}`);
  }
  if (stale.length) write(`generated/ is out of date with specs/: run \`make generate\` and commit the result.`);
  return { name: 'generated', ok: stale.length === 0, detail: stale.length ? `${stale.length} stale files` : 'up to date with specs/' };
}

/** `accord generate [provider…] [--check] [--force] [--quiet]` */
export function registerGenerate(program: Command): void {
  program
    .command('generate')
    .description('generate types, clients, SDKs, server stubs and webhook verifiers into generated/<provider>/')
    .argument('[providers...]', 'starship, istar, sirgiving, odm (default: all)')
    .option('--check', 'regenerate in memory and list stale files instead of writing (exit 1 when any)')
    .option('--force', 'regenerate even when the spec is unchanged')
    .option('--quiet', 'print nothing on success (CI)')
    .action(async (names: string[], opts: { check?: boolean; force?: boolean; quiet?: boolean }) => {
      const providers = providersFromArgs(names);
      if (opts.check) {
        process.exitCode = (await checkGenerated(providers)).ok ? 0 : 1;
        return;
      }
      await generate(providers, opts);
      process.exitCode = 0;
    });
}
