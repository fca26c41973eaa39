/**
 * package/: the provider's installable SDK (`@accord/<provider>`): the typed openapi-fetch client, the
 * @hey-api SDK, the webhook verifier and the types, as compiled ESM (.js + .d.ts).
 *
 * The files emitted before this one (client.ts, webhooks.ts, sdk/…) and the shared runtime they
 * import (runtime/, signing/, contracts/) are compiled by tsc from one entry, in memory: only what
 * the entry reaches is in the package (not the server stubs, not the bundler), in the repository's
 * layout under lib/ so every relative import (and openapi.json next to spec.js) still resolves.
 * Every bare import must be one of SDK_DEPENDENCIES: a dev-only tool in the package is an error.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { REPO_ROOT } from '../../contracts/providers.ts';
import { GENERATED_MARK, JSON_MARK_KEY, jsonMark, tsHeader } from '../header.ts';
import type { Emitter } from '../pipeline.ts';

export const PACKAGE_DIR = 'package';
/** The npm packages an SDK may import at run time (their versions are the repository's). */
export const SDK_DEPENDENCIES = ['openapi-fetch', 'ajv', 'ajv-formats', 'ulid'] as const;
/** Folders of shared code compiled into each package; their sources are generator inputs. */
export const SDK_RUNTIME_DIRS = ['runtime', 'signing', 'contracts'] as const;
const ENTRY = 'entry';

export const packageNameOf = (providerId: string) => `@accord/${providerId}`;

export class SdkPackageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SdkPackageError';
  }
}

const COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  lib: ['lib.es2023.d.ts'],
  types: ['node'],
  strict: true,
  noUncheckedIndexedAccess: true,
  esModuleInterop: true,
  skipLibCheck: true,
  isolatedModules: true,
  verbatimModuleSyntax: true,
  declaration: true,
  allowImportingTsExtensions: true,
  rewriteRelativeImportExtensions: true,
  newLine: ts.NewLineKind.LineFeed,
  rootDir: REPO_ROOT,
  // the sources are type-checked with the repository (`npx tsc`); here only emit, and declaration errors
  noCheck: true,
};

/** Parsed declaration files of node_modules (TypeScript's libs, @types/node): the same for every provider. */
const libCache = new Map<string, ts.SourceFile>();

/** The package's entry: everything a consumer imports, nothing server-side. */
function entrySource(hasWebhooks: boolean): string {
  return [
    "export * from './client.ts';",
    ...(hasWebhooks ? ["export * from './webhooks.ts';"] : []),
    "export { contract } from './contract.ts';",
    `export type { paths, operations, components${hasWebhooks ? ', webhooks' : ''} } from './types.ts';`,
    "export * as sdk from './sdk/sdk.gen.ts';",
    '',
  ].join('\n');
}

/** `.ts` specifiers in declarations (tsc rewrites them in .js only). */
const rewriteTsSpecifiers = (text: string) => text.replace(/((?:from\s+|import\()\s*)(['"])(\.{1,2}\/[^'"]*?)\.ts\2/g, '$1$2$3.js$2');

const BARE_IMPORT = /(?:from\s+|import\(\s*|^import\s+)(['"])([^'"./][^'"]*)\1/gm;
const packageOf = (specifier: string) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

function compile(providerId: string, virtualFiles: Map<string, string>): Map<string, string> {
  const genDir = path.join(REPO_ROOT, 'generated', providerId) + path.sep;
  const outDir = path.join(genDir, PACKAGE_DIR, 'lib');
  const options = { ...COMPILER_OPTIONS, outDir };
  const host = ts.createCompilerHost(options);
  // generated/<provider>/ is what the emitters just made, never what is on disk
  const inGen = (f: string) => path.resolve(f).startsWith(genDir);
  const { fileExists, readFile, getSourceFile, directoryExists } = host;
  host.fileExists = (f) => (inGen(f) ? virtualFiles.has(path.resolve(f)) : fileExists.call(host, f));
  host.readFile = (f) => (inGen(f) ? virtualFiles.get(path.resolve(f)) : readFile.call(host, f));
  host.directoryExists = (d) => (inGen(d + path.sep) ? [...virtualFiles.keys()].some((k) => k.startsWith(path.resolve(d) + path.sep)) : directoryExists!.call(host, d));
  host.getSourceFile = (f, lang, onError) => {
    if (!inGen(f)) {
      if (!f.includes(`${path.sep}node_modules${path.sep}`)) return getSourceFile.call(host, f, lang, onError);
      let cached = libCache.get(f);
      if (!cached) libCache.set(f, (cached = getSourceFile.call(host, f, lang, onError)!));
      return cached;
    }
    const text = virtualFiles.get(path.resolve(f));
    return text === undefined ? undefined : ts.createSourceFile(f, text, lang);
  };
  const program = ts.createProgram({ rootNames: [path.join(genDir, `${ENTRY}.ts`)], options, host });
  const out = new Map<string, string>();
  const emitted = program.emit(undefined, (file, text) => out.set(path.relative(outDir, file).split(path.sep).join('/'), text));
  const diagnostics = [...program.getSyntacticDiagnostics(), ...program.getOptionsDiagnostics(), ...emitted.diagnostics];
  if (diagnostics.length) {
    throw new SdkPackageError(`the ${providerId} SDK package does not compile (fix the generator or runtime):\n${ts.formatDiagnostics(diagnostics.slice(0, 10), host)}`);
  }
  return out;
}

function versionOf(pkg: string): string {
  return JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'node_modules', pkg, 'package.json'), 'utf8')).version;
}

export const emitPackage: Emitter = ({ provider, contract, source, emitted }) => {
  const genDir = path.join(REPO_ROOT, 'generated', provider.id);
  const hasWebhooks = emitted.has('webhooks.ts');
  const virtualFiles = new Map<string, string>();
  for (const [rel, content] of emitted) if (rel.endsWith('.ts')) virtualFiles.set(path.join(genDir, rel), content);
  virtualFiles.set(path.join(genDir, `${ENTRY}.ts`), tsHeader(source, 'accord') + '\n' + entrySource(hasWebhooks));

  const files: Record<string, string> = {};
  const used = new Set<string>();
  for (const [rel, raw] of compile(provider.id, virtualFiles)) {
    const text = rel.endsWith('.d.ts') ? rewriteTsSpecifiers(raw) : raw;
    for (const m of text.matchAll(BARE_IMPORT)) if (!m[2]!.startsWith('node:')) used.add(packageOf(m[2]!));
    const marked = text.split('\n', 1)[0]!.includes(GENERATED_MARK) ? text : tsHeader(source, 'tsc') + text;
    files[`${PACKAGE_DIR}/lib/${rel}`] = marked;
  }
  const undeclared = [...used].filter((p) => !(SDK_DEPENDENCIES as readonly string[]).includes(p));
  if (undeclared.length) {
    throw new SdkPackageError(`the ${provider.id} SDK package would import ${undeclared.join(', ')}: keep dev-only and server code out of what client.ts/webhooks.ts reach, or add the package to SDK_DEPENDENCIES`);
  }
  files[`${PACKAGE_DIR}/lib/generated/${provider.id}/openapi.json`] = emitted.get('openapi.json')!;

  const rootPkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
  const entry = `./lib/generated/${provider.id}/${ENTRY}`;
  const name = packageNameOf(provider.id);
  const T = provider.typeName;
  const manifest = {
    [JSON_MARK_KEY]: jsonMark(source),
    name,
    version: rootPkg.version,
    description: `${contract.title}: typed openapi-fetch client, @hey-api SDK, webhook verifier and types, generated by accord from ${source}.`,
    type: 'module',
    engines: { node: rootPkg.engines?.node ?? '>=20.19' },
    sideEffects: false,
    exports: { '.': { types: `${entry}.d.ts`, default: `${entry}.js` }, './package.json': './package.json' },
    types: `${entry}.d.ts`,
    files: ['lib', 'README.md'],
    dependencies: Object.fromEntries([...used].sort().map((p) => [p, versionOf(p)])),
    accord: { spec: source, apiVersion: contract.version },
  };
  files[`${PACKAGE_DIR}/package.json`] = JSON.stringify(manifest, null, 2) + '\n';
  files[`${PACKAGE_DIR}/README.md`] = `<!-- ${GENERATED_MARK} from ${source} — do not edit; run \`make generate\`. -->
# ${name}

${contract.title} (API ${contract.version}), generated by accord from \`${source}\`: ESM, Node ${manifest.engines.node}, types included.

\`\`\`ts
import { create${T}Client${hasWebhooks ? `, verify${T}Webhook` : ''}, sdk, create${T}SdkClient } from '${name}';

const client = create${T}Client({ environment: 'accord-sandbox', credentials: { /* … */ } });
const { data, error } = await client.GET(${JSON.stringify(contract.operations.find((o) => o.method === 'get')?.path ?? '/')});
\`\`\`
${hasWebhooks ? `\nIn a webhook receiver, verify the raw body before trusting it: \`verify${T}Webhook({ headers, rawBody, … })\` throws \`SignatureVerificationError\` or \`WebhookPayloadError\`.\n` : ''}`;
  return files;
};
