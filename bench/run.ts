/**
 * `make bench`: runs every bench/*.bench.ts in one process, in name order, and prints their lines.
 * A bench module default-exports `async (report) => void`; it measures a ratio against a peer
 * run in the same process (never an absolute time in a test) and reports one line per figure.
 *
 * Usage: node bin/accord.mjs bench [name-filter]
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../contracts/providers.ts';

export type Report = (line: string) => void;
export type Bench = (report: Report) => Promise<void>;

export async function runBenches(filter?: string, report: Report = (l) => process.stdout.write(l + '\n')): Promise<void> {
  const dir = path.join(REPO_ROOT, 'bench');
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.bench.ts') && (!filter || f.includes(filter)))
    .sort();
  for (const file of files) {
    report(`# ${file.replace(/\.bench\.ts$/, '')}`);
    const mod = (await import(pathToFileURL(path.join(dir, file)).href)) as { default: Bench };
    await mod.default((line) => report(`  ${line}`));
  }
}

/** Median of numbers (the benches report medians of several interleaved rounds). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
