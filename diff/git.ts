/**
 * A provider's spec at a git ref: every file of `specs/<provider>/` at that commit is read with
 * `git ls-tree` / `git show` into a temporary folder and bundled there, so split specs resolve
 * their relative `$ref`s exactly as they did at that commit.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleSpec, type OpenApiDocument } from '../contracts/bundle.ts';

/** A ref that names no commit, a folder that is not a repository, a spec missing at the ref. Exit 2. */
export class DiffInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DiffInputError';
  }
}

function git(repo: string, args: string[], encoding: 'utf8' | 'buffer' = 'utf8'): string | Buffer {
  return execFileSync('git', ['-C', repo, ...args], { encoding: encoding === 'utf8' ? 'utf8' : 'buffer', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
}

/** The top folder of the git work tree holding `dir`. */
export function gitTopLevel(dir: string): string {
  try {
    return String(git(dir, ['rev-parse', '--show-toplevel'])).trim();
  } catch {
    throw new DiffInputError(`not a git repository: ${dir} (accord diff reads the base spec from git)`);
  }
}

/** The commit a ref names (branch, tag, sha, HEAD~1, origin/main…). */
export function resolveCommit(repo: string, ref: string): string {
  if (!ref || ref.startsWith('-') || /[\0\n]/.test(ref)) throw new DiffInputError(`unknown git ref "${ref}"`);
  try {
    return String(git(repo, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).trim();
  } catch {
    throw new DiffInputError(`unknown git ref "${ref}" in ${repo}`);
  }
}

/**
 * Writes every file of `folder` (repo-relative, e.g. `specs/starship`) at `commit` under `into`,
 * keeping the relative layout; returns how many files were written.
 */
export function checkoutFolder(repo: string, commit: string, folder: string, into: string): number {
  const listing = String(git(repo, ['ls-tree', '-r', '-z', '--full-tree', commit, '--', folder]));
  let count = 0;
  for (const entry of listing.split('\0')) {
    if (!entry) continue;
    const tab = entry.indexOf('\t');
    const [mode, type] = entry.slice(0, tab).split(' ');
    const file = entry.slice(tab + 1);
    if (type !== 'blob' || mode === '120000') continue; // symlinks are skipped, submodules are not blobs
    const target = path.join(into, file);
    if (!path.resolve(target).startsWith(path.resolve(into) + path.sep)) continue;
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, git(repo, ['show', `${commit}:${file}`], 'buffer') as Buffer);
    count++;
  }
  return count;
}

/** Bundles the spec `specRel` (repo-relative, e.g. `specs/starship/openapi.yaml`) as it was at `commit`. */
export async function bundleSpecAt(repo: string, commit: string, specRel: string, label = commit.slice(0, 12)): Promise<OpenApiDocument> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-diff-'));
  try {
    const folder = path.posix.dirname(specRel.split(path.sep).join('/'));
    checkoutFolder(repo, commit, folder, tmp);
    const spec = path.join(tmp, specRel);
    if (!fs.existsSync(spec)) throw new DiffInputError(`${specRel} does not exist at ${label}`);
    try {
      return await bundleSpec(spec);
    } catch (err) {
      throw new DiffInputError(`cannot bundle ${specRel} at ${label}: ${(err as Error).message.replace(/^cannot bundle [^:]+: /, '').split('\n')[0]}`);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
