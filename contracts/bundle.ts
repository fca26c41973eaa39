import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { runRedocly } from './redocly.ts';

export type OpenApiDocument = Record<string, any>;

/** Raised when a spec cannot be bundled (unresolvable $ref, YAML syntax error, missing file). */
export class SpecBundleError extends Error {
  constructor(readonly specPath: string, detail: string) {
    super(`cannot bundle ${specPath}: ${detail}`);
    this.name = 'SpecBundleError';
  }
}

/** Every file under the spec's folder that can take part in the bundle, for the cache key. */
export function specFiles(specPath: string): string[] {
  const dir = path.dirname(specPath);
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'vectors') walk(full);
      } else if (/\.(ya?ml|json)$/.test(entry.name)) out.push(full);
    }
  };
  walk(dir);
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

/**
 * Bundles a (possibly multi-file) spec into one document with internal `$ref`s only, using
 * Redocly — the same tool that lints it. A single-file spec is parsed directly; a multi-file one
 * is bundled once per content hash and cached under the OS temp folder.
 *
 * @example
 *   const doc = bundleSpec(getProvider('starship').specPath);
 */
export function bundleSpec(specPath: string): OpenApiDocument {
  if (!fs.existsSync(specPath)) throw new SpecBundleError(specPath, 'file not found');
  const files = specFiles(specPath);
  const key = specSourceHash(specPath, files);
  const hit = memo.get(key);
  if (hit) return structuredClone(hit);

  let doc: OpenApiDocument;
  const rootText = fs.readFileSync(specPath, 'utf8');
  if (!/\$ref:\s*['"]?\.{0,2}\/?[\w./-]+\.(ya?ml|json)/.test(rootText) && files.length === 1) {
    try {
      doc = parse(rootText, { maxAliasCount: -1 }) as OpenApiDocument;
    } catch (err) {
      throw new SpecBundleError(specPath, (err as Error).message.split('\n')[0] ?? 'YAML error');
    }
  } else {
    const cacheDir = path.join(os.tmpdir(), 'accord-bundles');
    fs.mkdirSync(cacheDir, { recursive: true });
    const out = path.join(cacheDir, `${key}.json`);
    if (!fs.existsSync(out)) {
      const tmp = `${out}.${process.pid}.tmp.json`;
      const run = runRedocly(['bundle', specPath, '--ext', 'json', '-o', tmp]);
      if (run.status !== 0 || !fs.existsSync(tmp)) {
        throw new SpecBundleError(specPath, (run.stderr || run.stdout).trim().split('\n').slice(-3).join(' '));
      }
      fs.renameSync(tmp, out);
    }
    doc = JSON.parse(fs.readFileSync(out, 'utf8')) as OpenApiDocument;
  }
  if (typeof doc !== 'object' || doc === null) throw new SpecBundleError(specPath, 'not a YAML/JSON object');
  memo.set(key, doc);
  return structuredClone(doc);
}
