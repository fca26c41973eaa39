/**
 * Generation: accord's full regeneration of the four providers (bundle, openapi-typescript,
 * hey-api, accord's own emitters, writing) against the raw generators alone on the same specs
 * (openapi-typescript and @hey-api/openapi-ts reading the spec files themselves), interleaved,
 * median of the rounds. Then the no-op regeneration (nothing changed: hashes only).
 * Targets: full ≤ 1.2× raw; no-op ≤ 0.5 s.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient } from '@hey-api/openapi-ts';
import openapiTS, { astToString } from 'openapi-typescript';
import { clearBundleMemo } from '../contracts/bundle.ts';
import { PROVIDERS, REPO_ROOT } from '../contracts/providers.ts';
import { generateProvider } from '../generators/pipeline.ts';
import { median, type Report } from './run.ts';

const ROUNDS = 5;

async function rawGenerators(scratch: string): Promise<void> {
  for (const p of PROVIDERS) {
    astToString(await openapiTS(new URL(`file://${p.specPath}`), { silent: true }));
    await createClient({
      input: p.specPath,
      output: { path: path.join(scratch, p.id) },
      plugins: ['@hey-api/client-fetch', '@hey-api/typescript', '@hey-api/sdk'],
      logs: { level: 'silent', file: false },
    } as any);
  }
}

async function accordFull(root: string): Promise<void> {
  clearBundleMemo();
  for (const p of PROVIDERS) await generateProvider(p, { root, force: true });
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

export default async function bench(report: Report): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-bench-gen-'));
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-bench-raw-'));
  try {
    for (const dir of ['specs', 'generated']) fs.cpSync(path.join(REPO_ROOT, dir), path.join(root, dir), { recursive: true });
    await rawGenerators(scratch); // warm-up: module loading, JIT
    await accordFull(root);
    const raw: number[] = [];
    const ours: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      raw.push(await timed(() => rawGenerators(scratch)));
      ours.push(await timed(() => accordFull(root)));
    }
    const noop: number[] = [];
    for (let i = 0; i < ROUNDS; i++) noop.push(await timed(async () => void (await Promise.all(PROVIDERS.map((p) => generateProvider(p, { root }))))));
    const ratio = median(ours) / median(raw);
    report(`full regeneration, 4 providers: accord ${median(ours).toFixed(0)} ms vs raw generators ${median(raw).toFixed(0)} ms = ${ratio.toFixed(2)}x (target <= 1.2x) ${ratio <= 1.2 ? 'ok' : 'OVER'}`);
    report(`no-op regeneration, 4 providers: ${median(noop).toFixed(0)} ms (target <= 500 ms) ${median(noop) <= 500 ? 'ok' : 'OVER'}`);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
