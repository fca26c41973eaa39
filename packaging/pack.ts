/**
 * `accord pack`: the installable tarballs — the CLI (built by packaging/build-cli.ts) and the four
 * SDK packages (generated/<provider>/package/, committed) — by `npm pack`, into one folder.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PROVIDERS, REPO_ROOT } from '../contracts/providers.ts';
import { PACKAGE_DIR } from '../generators/emit/package.ts';
import { buildCli, type CliBuild } from './build-cli.ts';

export interface Tarball {
  name: string;
  file: string;
  bytes: number;
}

export interface PackResult {
  cli: CliBuild;
  tarballs: Tarball[];
}

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** `npm pack` of one package folder into `outDir`. */
function npmPack(packageDir: string, outDir: string): Tarball {
  const json = execFileSync(NPM, ['pack', '--json', '--pack-destination', outDir, '--loglevel=error'], { cwd: packageDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const [info] = JSON.parse(json) as Array<{ name: string; filename: string }>;
  const file = path.join(outDir, info!.filename);
  return { name: info!.name, file, bytes: fs.statSync(file).size };
}

/** Builds the CLI into `<outDir>/cli/` and packs it and the four SDKs; `onProgress` hears each step. */
export async function packAll(outDir: string, onProgress: (line: string) => void = () => {}): Promise<PackResult> {
  fs.mkdirSync(outDir, { recursive: true });
  onProgress('building the CLI (esbuild)');
  const cli = await buildCli(path.join(outDir, 'cli'));
  const tarballs: Tarball[] = [];
  for (const dir of [cli.dir, ...PROVIDERS.map((p) => path.join(REPO_ROOT, 'generated', p.id, PACKAGE_DIR))]) {
    const t = npmPack(dir, outDir);
    onProgress(`packed ${t.name.padEnd(18)} ${(t.bytes / 1024).toFixed(0).padStart(5)} KiB  ${path.relative(process.cwd(), t.file) || t.file}`);
    tarballs.push(t);
  }
  return { cli, tarballs };
}
