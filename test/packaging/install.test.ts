// accord outside its repository: the CLI and the four SDKs packed (`accord pack`: npm pack), installed
// from the tarballs into a fresh project in the OS temp folder (no workspace links), the consumer file
// type-checked with tsc --strict under nodenext and bundler resolution, run with plain node against
// `accord serve` started from the installed CLI, and `accord check` run from the installed CLI.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVIDERS, REPO_ROOT } from '../../contracts/providers.ts';
import { packAll, type PackResult } from '../../packaging/pack.ts';

const run = promisify(execFile);
const CONSUMER_DIR = path.join(REPO_ROOT, 'test', 'packaging', 'consumer');
const TSC = path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const progress = (line: string) => process.stderr.write(`[install] ${line}\n`);

let project: string;
let packed: PackResult;
let serve: ChildProcess | undefined;
const accordBin = () => path.join(project, 'node_modules', '.bin', 'accord');
const accord = (args: string[], timeout = 120_000) => run(process.execPath, [accordBin(), ...args], { cwd: project, timeout, maxBuffer: 32 * 1024 * 1024 });

/** Four consecutive free ports (serve listens on base..base+3). */
async function freePortBase(): Promise<number> {
  const listen = (port: number) =>
    new Promise<net.Server | null>((resolve) => {
      const s = net.createServer();
      s.once('error', () => resolve(null));
      s.listen(port, '127.0.0.1', () => resolve(s));
    });
  for (let attempt = 0; attempt < 50; attempt++) {
    const first = await listen(0);
    const base = (first!.address() as net.AddressInfo).port;
    const rest = await Promise.all([1, 2, 3].map((i) => (base + i < 65536 ? listen(base + i) : Promise.resolve(null))));
    await Promise.all([first, ...rest].map((s) => s && new Promise((r) => s.close(r))));
    if (rest.every(Boolean) && base <= 65532) return base;
  }
  throw new Error('no four consecutive free ports');
}

beforeAll(async () => {
  project = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-install-'));
  expect(path.relative(REPO_ROOT, project).startsWith('..')).toBe(true);
  packed = await packAll(path.join(project, 'tarballs'), progress);
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'accord-consumer', private: true, type: 'module' }, null, 2));
  for (const f of fs.readdirSync(CONSUMER_DIR)) fs.copyFileSync(path.join(CONSUMER_DIR, f), path.join(project, f));
  const typesNode = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'node_modules', '@types', 'node', 'package.json'), 'utf8')).version;
  progress(`npm install of ${packed.tarballs.length} tarballs and @types/node@${typesNode} into ${project}`);
  const started = Date.now();
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...packed.tarballs.map((t) => t.file), `@types/node@${typesNode}`], {
    cwd: project,
    timeout: 240_000,
  });
  progress(`installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}, 300_000);

afterAll(async () => {
  if (serve && serve.exitCode === null) {
    serve.kill('SIGTERM');
    await new Promise((r) => serve!.once('exit', r));
  }
  if (project) fs.rmSync(project, { recursive: true, force: true });
});

describe('the packages', () => {
  it('are five tarballs: @accord/cli and one SDK per provider', () => {
    expect(packed.tarballs.map((t) => t.name)).toEqual(['@accord/cli', ...PROVIDERS.map((p) => `@accord/${p.id}`)]);
  });

  it('install real folders (no links back to the repository), no TypeScript sources, no tsx', () => {
    for (const name of packed.tarballs.map((t) => t.name)) {
      const dir = path.join(project, 'node_modules', name);
      expect(fs.lstatSync(dir).isSymbolicLink(), name).toBe(false);
      const files = fs.readdirSync(dir, { recursive: true }).map(String);
      expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')), name).toEqual([]);
      const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
      expect(Object.keys(manifest.dependencies ?? {}), name).not.toContain('tsx');
      expect(Object.keys(manifest.dependencies ?? {}), name).not.toContain('typescript');
    }
    expect(fs.existsSync(path.join(project, 'node_modules', 'tsx'))).toBe(false);
  });
});

describe('the installed CLI', () => {
  it('prints its version and help from any folder', async () => {
    const version = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).version;
    expect((await accord(['--version'])).stdout.trim()).toBe(version);
    const help = await run(process.execPath, [accordBin(), '--help'], { cwd: os.tmpdir() });
    for (const command of ['serve', 'check', 'sign', 'verify', 'vectors', 'diff', 'postman', 'docs', 'mock']) expect(help.stdout).toContain(command);
  });

  it('refuses a repository-only command in one line naming where it runs (exit 2)', async () => {
    const err = await accord(['generate']).catch((e) => e);
    expect(err.code).toBe(2);
    expect(err.stderr.trim().split('\n')).toHaveLength(1);
    expect(err.stderr).toMatch(/^accord: `accord generate` runs in a checkout of the accord repository/);
  });

  it('runs the signing vectors from the bundled specs', async () => {
    const { stdout } = await accord(['vectors']);
    const lines = stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(8);
    for (const line of lines) expect(line).toMatch(/^ok\s+vectors [\w-]+: [1-9]\d* positive, [1-9]\d* negative, 0 failed$/);
  });
});

describe('a consumer project', () => {
  it('type-checks with tsc --strict under moduleResolution nodenext (and compiles to JavaScript)', async () => {
    const r = await run(process.execPath, [TSC, '-p', 'tsconfig.nodenext.json', '--strict'], { cwd: project, timeout: 120_000 }).catch((e) => e);
    expect(r.stdout ?? '', 'tsc nodenext').toBe('');
    expect(fs.existsSync(path.join(project, 'out', 'consumer.js'))).toBe(true);
  }, 120_000);

  it('type-checks with tsc --strict under moduleResolution bundler', async () => {
    const r = await run(process.execPath, [TSC, '-p', 'tsconfig.bundler.json', '--strict'], { cwd: project, timeout: 120_000 }).catch((e) => e);
    expect(r.stdout ?? '', 'tsc bundler').toBe('');
  }, 120_000);

  it('runs with plain node against `accord serve` from the installed CLI; `accord check` passes against that serve', async () => {
    const base = await freePortBase();
    const credentials = path.join(project, 'credentials.json');
    // At the documented rate limits, as a user's CI runs it (the harness paces on the sandbox's clock).
    progress(`accord serve --memory --port-base ${base}`);
    serve = spawn(process.execPath, [accordBin(), 'serve', '--memory', '--port-base', String(base), '--credentials', credentials], {
      cwd: project,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    serve.stdout!.on('data', (c) => (output += c));
    serve.stderr!.on('data', (c) => (output += c));
    const deadline = Date.now() + 30_000;
    while (!/Ctrl-C stops/.test(output) && Date.now() < deadline && serve.exitCode === null) await new Promise((r) => setTimeout(r, 100));
    expect(output, 'serve started').toMatch(/Ctrl-C stops/);

    const consumer = await run(process.execPath, [path.join('out', 'consumer.js'), credentials], { cwd: project, timeout: 60_000 }).catch((e) => e);
    expect(consumer.stderr ?? '', 'consumer stderr').toBe('');
    expect(consumer.stdout).toContain('consumer: all ok');

    for (const provider of PROVIDERS) {
      progress(`accord check ${provider.id}`);
      // --base-url defaults to the credentials file's baseUrl
      const r = await accord(['check', provider.id, '--credentials', credentials], 180_000).catch((e) => e);
      const failing = String(r.stdout).split('\n').filter((l: string) => /FAIL/.test(l)).slice(0, 10);
      expect({ provider: provider.id, exit: r.code ?? 0, failing }).toEqual({ provider: provider.id, exit: 0, failing: [] });
    }
  }, 600_000);
});
