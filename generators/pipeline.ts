/**
 * `accord generate`: every provider's spec → generated/<provider>/, deterministically.
 *
 * Each provider is generated into a scratch folder by the emitters (one small file each, in
 * generators/emit/), then either written over generated/<provider>/ (stale files removed) or, in
 * check mode, compared with it. A provider whose inputs (bundled spec + generator fingerprint)
 * hash to the value in its MANIFEST.json, with every listed file intact, is skipped.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleSpec, specSourceHash, type OpenApiDocument } from '../contracts/bundle.ts';
import { REPO_ROOT, type Provider } from '../contracts/providers.ts';
import type { Contract } from '../runtime/contract.ts';
import { extractContract } from './contract/extract.ts';
import { emitClient } from './emit/client.ts';
import { emitContract } from './emit/contract.ts';
import { emitIndex } from './emit/index-file.ts';
import { emitPackage, SDK_DEPENDENCIES, SDK_RUNTIME_DIRS } from './emit/package.ts';
import { emitSdk } from './emit/sdk.ts';
import { emitServer } from './emit/server.ts';
import { emitSpecJson } from './emit/spec-json.ts';
import { emitSpecLoader } from './emit/spec-loader.ts';
import { emitTypes } from './emit/types.ts';
import { emitWebhooks } from './emit/webhooks.ts';
import { JSON_MARK_KEY, jsonMark } from './header.ts';

export interface EmitContext {
  provider: Provider;
  doc: OpenApiDocument;
  contract: Contract;
  /** Repo-relative spec path, named in every header. */
  source: string;
  /** A private scratch folder for emitters whose tools write files. */
  scratch: string;
  /** What the emitters before this one produced (the SDK package compiles it). */
  emitted: ReadonlyMap<string, string>;
}

/** One transform: files (relative path → content) from the context. */
export type Emitter = (ctx: EmitContext) => Record<string, string> | Promise<Record<string, string>>;

export const EMITTERS: readonly Emitter[] = [emitSpecJson, emitTypes, emitContract, emitSdk, emitClient, emitSpecLoader, emitServer, emitWebhooks, emitIndex, emitPackage];

export const MANIFEST = 'MANIFEST.json';

export interface GenerateOptions {
  /** Where specs/ and generated/ live; default the repository. Tests use a temporary copy. */
  root?: string;
  /** Regenerate even when the inputs hash is unchanged. */
  force?: boolean;
  /**
   * Drift check only: a provider whose MANIFEST inputs hash matches and whose files are intact is
   * fresh without rendering it again (`make`); the drift test and `generate --check` render.
   */
  trustManifest?: boolean;
}

export interface ProviderResult {
  provider: string;
  status: 'generated' | 'unchanged';
  ms: number;
  files: number;
}

export interface DriftResult {
  provider: string;
  /** Repo-relative paths that differ, are missing, or should not exist. */
  stale: string[];
  ms: number;
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

let fingerprintMemo: string | undefined;
/** Changes when the generator (its code or the tools it drives) changes: then everything regenerates. */
function generatorFingerprint(): string {
  if (fingerprintMemo) return fingerprintMemo;
  const parts: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name.endsWith('.ts')) parts.push(path.relative(REPO_ROOT, full), fs.readFileSync(full, 'utf8'));
    }
  };
  walk(path.join(REPO_ROOT, 'generators'));
  // the SDK packages compile the shared runtime in, with tsc, and carry accord's version
  for (const dir of SDK_RUNTIME_DIRS) walk(path.join(REPO_ROOT, dir));
  for (const pkg of ['openapi-typescript', '@hey-api/openapi-ts', 'typescript', ...SDK_DEPENDENCIES]) {
    parts.push(pkg, JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'node_modules', pkg, 'package.json'), 'utf8')).version);
  }
  parts.push('accord', JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).version);
  fingerprintMemo = sha256(parts.join('\0'));
  return fingerprintMemo;
}

function specPathIn(root: string, provider: Provider): string {
  return path.join(root, path.relative(REPO_ROOT, provider.specPath));
}

/** The spec's source files (not the bundle: hashing them needs no Redocly run) and the generator. */
function inputsHash(specPath: string): string {
  return sha256(specSourceHash(specPath) + '\0' + generatorFingerprint());
}

function readManifest(dir: string): { inputs?: string; files?: Record<string, string> } | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, MANIFEST), 'utf8'));
  } catch {
    return null;
  }
}

function intact(dir: string, manifest: { files?: Record<string, string> }): boolean {
  return Object.entries(manifest.files ?? {}).every(([rel, hash]) => {
    const full = path.join(dir, rel);
    return fs.existsSync(full) && sha256(fs.readFileSync(full)) === hash;
  });
}

/** Renders every file of one provider in memory (MANIFEST.json included). */
export async function renderProvider(provider: Provider, root = REPO_ROOT): Promise<{ files: Map<string, string>; inputs: string }> {
  const specPath = specPathIn(root, provider);
  const doc = await bundleSpec(specPath);
  const source = path.relative(root, specPath).split(path.sep).join('/');
  const contract = extractContract(doc, source);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), `accord-gen-${provider.id}-`));
  const files = new Map<string, string>();
  try {
    for (const emit of EMITTERS) {
      for (const [rel, content] of Object.entries(await emit({ provider, doc, contract, source, scratch, emitted: files }))) files.set(rel, content);
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  const inputs = inputsHash(specPath);
  const sorted = new Map([...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const manifest = {
    [JSON_MARK_KEY]: jsonMark(source),
    source,
    inputs,
    files: Object.fromEntries([...sorted.entries()].map(([rel, content]) => [rel, sha256(content)])),
  };
  sorted.set(MANIFEST, JSON.stringify(manifest, null, 2) + '\n');
  return { files: sorted, inputs };
}

function listFiles(dir: string, base = dir): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? listFiles(full, base) : [path.relative(base, full).split(path.sep).join('/')];
  });
}

/** Regenerates one provider unless its inputs are unchanged (or `force`). */
export async function generateProvider(provider: Provider, options: GenerateOptions = {}): Promise<ProviderResult> {
  const root = options.root ?? REPO_ROOT;
  const started = performance.now();
  const outDir = path.join(root, 'generated', provider.id);
  const manifest = readManifest(outDir);
  if (!options.force && manifest?.inputs && manifest.inputs === inputsHash(specPathIn(root, provider)) && intact(outDir, manifest)) {
    return { provider: provider.id, status: 'unchanged', ms: performance.now() - started, files: Object.keys(manifest.files ?? {}).length };
  }
  const { files } = await renderProvider(provider, root);
  for (const rel of listFiles(outDir)) if (!files.has(rel)) fs.rmSync(path.join(outDir, rel));
  for (const [rel, content] of files) {
    const full = path.join(outDir, rel);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    if (!fs.existsSync(full) || fs.readFileSync(full, 'utf8') !== content) fs.writeFileSync(full, content);
  }
  return { provider: provider.id, status: 'generated', ms: performance.now() - started, files: files.size - 1 };
}

/** The drift check: regenerates in memory and names every generated file that is out of date. */
export async function checkProvider(provider: Provider, options: GenerateOptions = {}): Promise<DriftResult> {
  const root = options.root ?? REPO_ROOT;
  const started = performance.now();
  const outDir = path.join(root, 'generated', provider.id);
  if (options.trustManifest) {
    const manifest = readManifest(outDir);
    const expected = new Set([MANIFEST, ...Object.keys(manifest?.files ?? {})]);
    if (manifest?.inputs === inputsHash(specPathIn(root, provider)) && intact(outDir, manifest) && listFiles(outDir).every((rel) => expected.has(rel))) {
      return { provider: provider.id, stale: [], ms: performance.now() - started };
    }
  }
  const { files } = await renderProvider(provider, root);
  const stale: string[] = [];
  const prefix = `generated/${provider.id}/`;
  for (const [rel, content] of files) {
    const full = path.join(outDir, rel);
    if (!fs.existsSync(full) || fs.readFileSync(full, 'utf8') !== content) stale.push(prefix + rel);
  }
  for (const rel of listFiles(outDir)) if (!files.has(rel)) stale.push(prefix + rel);
  return { provider: provider.id, stale: stale.sort(), ms: performance.now() - started };
}
