import { spawnSync } from 'node:child_process';
import { resolveOptional } from '../packaging/optional.ts';
import path from 'node:path';
import { REPO_ROOT } from './providers.ts';


/** Path of the Redocly CLI entry point from the project's own dependencies. */
export function redoclyBin(): string {
  const pkg = resolveOptional(import.meta.url, '@redocly/cli/package.json');
  return path.join(path.dirname(pkg), 'bin', 'cli.js');
}

export interface RedoclyRun {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs the Redocly CLI with the repo's redocly.yaml; telemetry and update checks off. */
export function runRedocly(args: readonly string[], cwd = REPO_ROOT): RedoclyRun {
  const result = spawnSync(process.execPath, [redoclyBin(), ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: result.status ?? 1, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}
