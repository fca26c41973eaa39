/** `accord diff` without the CLI: a provider's spec at a base ref against the working tree (or a head ref). */
import fs from 'node:fs';
import path from 'node:path';
import { bundleSpec, type OpenApiDocument } from '../contracts/bundle.ts';
import { compareSpecs, summarize } from './compare.ts';
import { bundleSpecAt, DiffInputError, resolveCommit } from './git.ts';
import type { DiffReport } from './types.ts';
import { assertOpenApi31 } from './validate-side.ts';

export interface DiffOptions {
  /** Top folder of the git work tree. */
  repo: string;
  provider: string;
  /** Spec root relative to the repo: `specs/<provider>/openapi.yaml`. */
  specRel: string;
  base: string;
  /** A ref to compare with instead of the working tree. */
  head?: string;
}

export async function diffProvider(o: DiffOptions): Promise<DiffReport> {
  const baseCommit = resolveCommit(o.repo, o.base);
  const headCommit = o.head === undefined ? undefined : resolveCommit(o.repo, o.head);
  const baseDoc = await bundleSpecAt(o.repo, baseCommit, o.specRel, o.base);
  let headDoc: OpenApiDocument;
  if (headCommit) headDoc = await bundleSpecAt(o.repo, headCommit, o.specRel, o.head);
  else {
    const file = path.join(o.repo, o.specRel);
    if (!fs.existsSync(file)) throw new DiffInputError(`${o.specRel} does not exist in the working tree`);
    try {
      headDoc = await bundleSpec(file);
    } catch (err) {
      throw new DiffInputError(`${(err as Error).message.split('\n')[0]}`);
    }
  }
  await assertOpenApi31(baseDoc, o.specRel, o.base);
  await assertOpenApi31(headDoc, o.specRel, o.head ?? 'the working tree');
  const changes = compareSpecs(baseDoc, headDoc);
  const summary = summarize(changes);
  return {
    format: 'accord-diff/1',
    provider: o.provider,
    base: { ref: o.base, commit: baseCommit },
    head: headCommit ? { ref: o.head!, commit: headCommit } : { ref: 'working tree' },
    summary,
    breaking: summary.breaking > 0,
    changes,
  };
}
