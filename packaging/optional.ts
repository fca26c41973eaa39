/**
 * Packages only some commands need (Prism for `mock`, better-sqlite3 for a sandbox data folder, …):
 * optional peers of the installed CLI, resolved when the command runs. Missing, they are a one-line
 * error naming the install command, not a stack trace.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { REPO_ROOT } from '../contracts/providers.ts';

/** Optional peers of the installed CLI: package → what needs it. */
export const OPTIONAL_PEERS: Record<string, string> = {
  'better-sqlite3': '`accord serve` with a data folder',
  '@stoplight/prism-cli': '`accord mock` and `accord proxy`',
  redoc: '`accord docs`',
  '@redocly/cli': '`accord lint`',
};

export class OptionalDependencyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OptionalDependencyError';
  }
}

/** The version accord was built against (the installed CLI's peerDependencies, or the repository's package.json). */
function versionOf(pkg: string): string {
  try {
    const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
    const range: string | undefined = manifest.peerDependencies?.[pkg] ?? manifest.devDependencies?.[pkg] ?? manifest.dependencies?.[pkg];
    return range ? `@${range.replace(/^[\^~]/, '')}` : '';
  } catch {
    return '';
  }
}

const isNotFound = (err: unknown) => (err as NodeJS.ErrnoException)?.code === 'MODULE_NOT_FOUND' || (err as NodeJS.ErrnoException)?.code === 'ERR_MODULE_NOT_FOUND';

function missing(pkg: string, alternative?: string): OptionalDependencyError {
  const what = OPTIONAL_PEERS[pkg] ?? 'this command';
  return new OptionalDependencyError(`${pkg} is not installed (${what} needs it): npm install --save-dev ${pkg}${versionOf(pkg)}${alternative ? `, or ${alternative}` : ''}`);
}

/** require.resolve(request) from `fromUrl`, or an OptionalDependencyError naming the install. */
export function resolveOptional(fromUrl: string, request: string, alternative?: string): string {
  try {
    return createRequire(fromUrl).resolve(request);
  } catch (err) {
    if (isNotFound(err)) throw missing(request.startsWith('@') ? request.split('/').slice(0, 2).join('/') : request.split('/')[0]!, alternative);
    throw err;
  }
}

/** require(pkg) from `fromUrl`, or an OptionalDependencyError naming the install. */
export function requireOptional<T>(fromUrl: string, pkg: string, alternative?: string): T {
  resolveOptional(fromUrl, pkg, alternative);
  return createRequire(fromUrl)(pkg) as T;
}
