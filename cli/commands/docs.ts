import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { buildDocs, DEFAULT_DOCS_DIR } from '../../docs/build.ts';
import { UsageError } from '../errors.ts';

/** `accord docs [--out DIR]`: the offline HTML reference (`make docs`). */
export function registerDocs(program: Command): void {
  program
    .command('docs')
    .description('write the offline HTML reference: a Redoc page per provider, the decisions, the signing guide and an index (make docs)')
    .option('--out <dir>', 'output folder', path.relative(process.cwd(), DEFAULT_DOCS_DIR) || DEFAULT_DOCS_DIR)
    .action(async (opts: { out: string }) => {
      if (opts.out.trim() === '') throw new UsageError('--out must name a folder');
      const outDir = path.resolve(opts.out);
      if (fs.existsSync(outDir) && !fs.statSync(outDir).isDirectory()) throw new UsageError(`--out: ${opts.out} exists and is not a folder`);
      const result = await buildDocs({ outDir });
      const rel = path.relative(process.cwd(), outDir);
      const shown = rel === '' ? '.' : rel.startsWith('..') || path.isAbsolute(rel) ? outDir : rel;
      for (const page of result.pages) process.stdout.write(`wrote ${path.join(shown, page.file)}  (${page.title})\n`);
      const ops = result.providers.map((p) => `${p.provider.id} ${p.operations}+${p.webhooks}`).join(', ');
      process.stdout.write(`docs: ${result.pages.length} pages, ${result.files.length} files (operations+webhooks: ${ops}); open ${path.join(shown, 'index.html')}\n`);
      process.exitCode = 0;
    });
}
