import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { bundle, createConfig } from '@redocly/openapi-core';

import type { OpenApiDocument } from './document.ts';

export type { OpenApiDocument };

/** Raised when a spec cannot be bundled (unresolvable $ref, YAML syntax error, missing file). */
export class SpecBundleError extends Error {
  constructor(
    readonly specPath: string,
    detail: string,
  ) {
    super(`cannot bundle ${specPath}: ${detail}`);
    this.name = 'SpecBundleError';
  }
}

/** Every file under the spec's folder that can take part in the bundle (vectors excluded). */
export function specFiles(specPath: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'vectors') walk(full);
      } else if (/\.(ya?ml|json)$/.test(entry.name)) out.push(full);
    }
  };
  walk(path.dirname(specPath));
  return out;
}

/** Hash of every source file of a spec (paths relative to its folder, and contents). */
export function specSourceHash(specPath: string, files = specFiles(specPath)): string {
  const hash = createHash('sha256');
  const dir = path.dirname(specPath);
  for (const f of files) hash.update(path.relative(dir, f)).update('\0').update(fs.readFileSync(f)).update('\0');
  return hash.digest('hex');
}

const memo = new Map<string, OpenApiDocument>();
let config: Awaited<ReturnType<typeof createConfig>> | undefined;

/**
 * Bundles a (possibly multi-file) spec into one document with internal `$ref`s only, in process
 * with Redocly's openapi-core. Memoized by the content hash of the spec's files.
 *
 * @example
 *   const doc = await bundleSpec(getProvider('starship').specPath);
 */
export async function bundleSpec(specPath: string): Promise<OpenApiDocument> {
  if (!fs.existsSync(specPath)) throw new SpecBundleError(specPath, 'file not found');
  const key = `${path.resolve(specPath)}\0${specSourceHash(specPath)}`;
  const hit = memo.get(key);
  if (hit) return structuredClone(hit);
  config ??= await createConfig({});
  let result;
  try {
    result = await bundle({ ref: path.resolve(specPath), config, dereference: false });
  } catch (err) {
    throw new SpecBundleError(specPath, (err as Error).message.split('\n')[0] ?? 'unreadable');
  }
  const unresolved = result.problems.find((p) => p.ruleId === 'no-unresolved-refs' || p.severity === 'error');
  if (unresolved) throw new SpecBundleError(specPath, unresolved.message);
  const doc = result.bundle.parsed as OpenApiDocument;
  if (typeof doc !== 'object' || doc === null) throw new SpecBundleError(specPath, 'not a YAML/JSON object');
  memo.set(key, doc);
  return structuredClone(doc);
}

/** Forgets memoized bundles (benchmarks measuring a cold run). */
export function clearBundleMemo(): void {
  memo.clear();
}
