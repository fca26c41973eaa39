/**
 * The installable CLI (`@accord/cli`): the TypeScript sources transpiled file by file to ESM by
 * esbuild, in the repository's layout, so REPO_ROOT (contracts/providers.ts) is the package folder
 * and every `new URL('./openapi.json', import.meta.url)` still finds its file; plus the specs,
 * vectors and bundled specs the commands read. No tsx, no TypeScript at run time.
 *
 * A command goes in when everything it imports is a runtime dependency of the CLI; a command that
 * reaches a development tool (the generators, bench, the mutants) is replaced by a one-line error
 * saying it runs in the repository. Packages only some commands need are optional peers
 * (packaging/optional.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { REPO_ROOT } from '../contracts/providers.ts';
import { OPTIONAL_PEERS } from './optional.ts';

export const CLI_PACKAGE_NAME = '@accord/cli';

/** Source folders compiled into the CLI; generators/, bench/ and test/ stay in the repository. */
const SOURCE_DIRS = ['cli', 'contracts', 'diff', 'docs', 'postman', 'mocks', 'sandbox', 'providers', 'signing', 'harness', 'runtime', 'generated', 'generators/contract', 'generators/names.ts', 'packaging'];
const EXCLUDED = [/\.test\.ts$/, /^harness\/dredd\//, /^generated\/[^/]+\/package\//, /^packaging\/build-cli\.ts$/];

/** npm packages the installed CLI may depend on (the rest are development tools or optional peers). */
export const CLI_DEPENDENCIES = [
  '@hono/node-server', '@redocly/openapi-core', '@seriousme/openapi-schema-validator', 'ajv', 'ajv-formats', 'cli-progress',
  'commander', 'fast-check', 'hono', 'marked', 'openapi-fetch', 'tinyqueue', 'tweetnacl', 'ulid', 'yaml',
] as const;

/** Files read at run time, copied as they are. */
function assetFiles(): string[] {
  const all = (dir: string): string[] =>
    !fs.existsSync(path.join(REPO_ROOT, dir)) ? [] : fs.readdirSync(path.join(REPO_ROOT, dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? all(`${dir}/${e.name}`) : [`${dir}/${e.name}`]));
  return [
    ...all('specs'),
    ...fs.readdirSync(path.join(REPO_ROOT, 'generated')).map((p) => `generated/${p}/openapi.json`),
    'docs/docs.css',
    ...all('postman/scripts'),
    'redocly.yaml',
  ].filter((f) => fs.existsSync(path.join(REPO_ROOT, f)));
}

function sourceFiles(): string[] {
  const walk = (dir: string): string[] =>
    dir.endsWith('.ts') ? [dir] : fs.readdirSync(path.join(REPO_ROOT, dir), { withFileTypes: true }).flatMap((e) => {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory()) return walk(rel);
      return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') && !EXCLUDED.some((re) => re.test(rel)) ? [rel] : [];
    });
  return SOURCE_DIRS.flatMap(walk).sort();
}

const RELATIVE_TS = /((?:\bfrom|\bimport)\s*\(?\s*)"(\.{1,2}\/[^"]+)\.ts"/g;
/** import/export … from, bare imports, import(), require() and require.resolve() of a string literal. */
const SPECIFIERS = /^(?:import|export)\s[^;"]*?\bfrom\s*"([^"]+)"|^import\s*"([^"]+)"|\bimport\(\s*"([^"]+)"\s*\)|\brequire\d*(?:\.resolve)?\(\s*"([^"]+)"\s*\)/gm;
const packageOf = (s: string) => s.split('/').slice(0, s.startsWith('@') ? 2 : 1).join('/');

export interface CliBuild {
  dir: string;
  /** Commands that work from the installed CLI. */
  commands: string[];
  /** Commands replaced by a "run it in the repository" error, with what they need. */
  repositoryOnly: Record<string, string[]>;
  dependencies: Record<string, string>;
}

function installedVersion(pkg: string): string {
  return JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'node_modules', pkg, 'package.json'), 'utf8')).version;
}

/** Builds the CLI package into `dir` (emptied first). */
export async function buildCli(dir: string): Promise<CliBuild> {
  fs.rmSync(dir, { recursive: true, force: true });
  const sources = sourceFiles();
  const result = await build({
    entryPoints: sources.map((f) => path.join(REPO_ROOT, f)),
    outdir: dir,
    outbase: REPO_ROOT,
    bundle: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    write: false,
    logLevel: 'silent',
  });
  const modules = new Map<string, string>();
  for (const out of result.outputFiles) modules.set(path.relative(dir, out.path).split(path.sep).join('/'), out.text.replace(RELATIVE_TS, '$1"$2.js"'));

  // the import graph: each module's relative files and bare packages
  const edges = new Map<string, { files: string[]; packages: string[] }>();
  for (const [rel, text] of modules) {
    const files: string[] = [];
    const packages: string[] = [];
    for (const m of text.matchAll(SPECIFIERS)) {
      const spec = (m[1] ?? m[2] ?? m[3] ?? m[4])!;
      if (spec.startsWith('.')) files.push(path.posix.normalize(path.posix.join(path.posix.dirname(rel), spec)));
      else if (!spec.startsWith('node:')) packages.push(packageOf(spec));
    }
    edges.set(rel, { files, packages });
  }
  const needs = (start: string): { missing: Set<string>; packages: Set<string> } => {
    const seen = new Set<string>();
    const missing = new Set<string>();
    const packages = new Set<string>();
    const stack = [start];
    while (stack.length) {
      const rel = stack.pop()!;
      if (seen.has(rel)) continue;
      seen.add(rel);
      const e = edges.get(rel);
      if (!e) {
        missing.add(rel.replace(/\.js$/, '.ts'));
        continue;
      }
      for (const p of e.packages) (CLI_DEPENDENCIES as readonly string[]).includes(p) || p in OPTIONAL_PEERS ? packages.add(p) : missing.add(p);
      stack.push(...e.files);
    }
    return { missing, packages };
  };

  const commands: string[] = [];
  const repositoryOnly: Record<string, string[]> = {};
  const used = new Set<string>(needs('cli/main.js').packages);
  for (const rel of [...modules.keys()].filter((r) => /^cli\/commands\/[^/]+\.js$/.test(r)).sort()) {
    const name = path.posix.basename(rel, '.js');
    const { missing, packages } = needs(rel);
    if (missing.size === 0) {
      commands.push(name);
      for (const p of packages) used.add(p);
      continue;
    }
    repositoryOnly[name] = [...missing].sort();
    const register = /\b(register[A-Z]\w*)\b/.exec(/export\s*\{[^}]*\}|export function \w+/.exec(modules.get(rel)!)?.[0] ?? '')?.[1];
    modules.set(rel, repositoryOnlyStub(name, register ?? `register${name}`, repositoryOnly[name]!));
  }

  for (const [rel, text] of modules) write(dir, rel, text);
  for (const rel of assetFiles()) write(dir, rel, fs.readFileSync(path.join(REPO_ROOT, rel)));
  write(dir, 'bin/accord.js', "#!/usr/bin/env node\n// accord's installed CLI (compiled JavaScript; the repository runs bin/accord.mjs on the sources).\nimport { main } from '../cli/main.js';\n\nprocess.exitCode = await main(process.argv);\n");
  fs.chmodSync(path.join(dir, 'bin/accord.js'), 0o755);

  const root = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
  const dependencies = Object.fromEntries([...used].filter((p) => !(p in OPTIONAL_PEERS)).sort().map((p) => [p, installedVersion(p)]));
  const peers = Object.keys(OPTIONAL_PEERS).sort();
  const manifest = {
    name: CLI_PACKAGE_NAME,
    version: root.version,
    description: root.description,
    type: 'module',
    bin: { accord: 'bin/accord.js' },
    engines: root.engines,
    dependencies,
    peerDependencies: Object.fromEntries(peers.map((p) => [p, installedVersion(p)])),
    peerDependenciesMeta: Object.fromEntries(peers.map((p) => [p, { optional: true }])),
    accord: { commands, repositoryOnly: Object.keys(repositoryOnly) },
  };
  write(dir, 'package.json', JSON.stringify(manifest, null, 2) + '\n');
  write(dir, 'README.md', `# ${CLI_PACKAGE_NAME}\n\naccord's command line, installable: \`npx accord --help\`. Commands: ${commands.join(', ')}.\n\nOptional peers (install the one a command names when it asks): ${peers.map((p) => `${p} (${OPTIONAL_PEERS[p]})`).join('; ')}.\n\nIn the accord repository only: ${Object.keys(repositoryOnly).join(', ')}.\n`);
  return { dir, commands, repositoryOnly, dependencies };
}

function write(dir: string, rel: string, content: string | Buffer): void {
  const full = path.join(dir, rel);
  fs.mkdirSync(path.dirname(full), { recursive: true });
  fs.writeFileSync(full, content);
}

function repositoryOnlyStub(name: string, register: string, needs: string[]): string {
  const shown = needs.filter((n) => !n.includes('/') || n.startsWith('@')).concat(needs.filter((n) => n.includes('/') && !n.startsWith('@')).map((f) => f.split('/')[0] + '/')).filter((v, i, a) => a.indexOf(v) === i);
  return `// accord's installed CLI: \`${name}\` needs ${shown.join(', ')} (the accord repository's development tools).
import { UsageError } from "../errors.js";

export function ${register}(program) {
  program
    .command(${JSON.stringify(name)})
    .description("(in the accord repository only)")
    .argument("[args...]")
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      throw new UsageError(${JSON.stringify(`\`accord ${name}\` runs in a checkout of the accord repository (it needs ${shown.join(', ')}): use \`node bin/accord.mjs ${name}\` there`)});
    });
}
`;
}
