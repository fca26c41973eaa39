/**
 * Dredd (14.1.0, the CLI as a user runs it) against one implementation of a provider contract,
 * with accord's hooks (harness/dredd/hooks.cjs): credentials from the credentials file, requests
 * signed with the provider's scheme. Dredd reads the bundled spec; what it checks is its own
 * business: the status code, the headers the spec requires, and the keys and value types of the
 * response example.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleSpec } from '../../contracts/bundle.ts';
import { getProvider, type ProviderId } from '../../contracts/providers.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const DREDD_HOOKS = path.join(HERE, 'hooks.cjs');
const DEFAULT_TIMEOUT_MS = 120_000;

export interface DreddResult {
  provider: ProviderId;
  /** Dredd exited 0: no failing and no erroring transaction. */
  ok: boolean;
  exitCode: number | null;
  passing: number;
  failing: number;
  errors: number;
  skipped: number;
  total: number;
  ms: number;
  /** Dredd's report of the failures (empty when it passed). */
  failures: string;
  output: string;
}

function dreddBin(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('dredd/package.json')), 'bin', 'dredd');
}

/** The provider's bundled spec as one JSON document (the specs are split across files). */
export async function writeDreddSpec(provider: ProviderId, dir: string): Promise<string> {
  const file = path.join(dir, `${provider}.openapi.json`);
  fs.writeFileSync(file, JSON.stringify(await bundleSpec(getProvider(provider).specPath)));
  return file;
}

export interface RunDreddOptions {
  /** A spec file from writeDreddSpec (written to a temporary folder when absent). */
  specFile?: string;
  timeoutMs?: number;
}

/** Runs Dredd against `baseUrl` (the base URL with the provider's base path). */
export async function runDredd(provider: ProviderId, baseUrl: string, credentialsFile: string, options: RunDreddOptions = {}): Promise<DreddResult> {
  const tmp = options.specFile ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), 'accord-dredd-'));
  const specFile = options.specFile ?? (await writeDreddSpec(provider, tmp!));
  const started = performance.now();
  try {
    const args = [dreddBin(), specFile, baseUrl, '--hookfiles', DREDD_HOOKS, '--language', 'nodejs', '--loglevel', 'error', '--no-color'];
    const child = spawn(process.execPath, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ACCORD_DREDD_PROVIDER: provider, ACCORD_DREDD_CREDENTIALS: credentialsFile, NODE_NO_WARNINGS: '1', NO_COLOR: '1' },
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (output += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (output += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const exitCode = await new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    clearTimeout(timer);
    const m = /complete: (\d+) passing, (\d+) failing, (\d+) errors, (\d+) skipped, (\d+) total/.exec(output);
    const [passing, failing, errors, skipped, total] = m ? m.slice(1).map(Number) : [0, 0, 0, 0, 0];
    const at = output.indexOf('Displaying failed tests');
    return {
      provider,
      ok: exitCode === 0 && Boolean(m),
      exitCode,
      passing: passing!,
      failing: failing!,
      errors: errors!,
      skipped: skipped!,
      total: total!,
      ms: Math.round(performance.now() - started),
      failures: at >= 0 ? output.slice(at).split('\ncomplete:')[0]! : exitCode === 0 ? '' : output.slice(-4000),
      output,
    };
  } finally {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** One line per run: `ok   dredd starship: 17 passing, 0 failing, 0 errors, 130 skipped (9.2 s)`. */
export const dreddLine = (r: DreddResult) =>
  `${r.ok ? 'ok  ' : 'FAIL'} dredd ${r.provider}: ${r.passing} passing, ${r.failing} failing, ${r.errors} errors, ${r.skipped} skipped (${(r.ms / 1000).toFixed(1)} s)`;
