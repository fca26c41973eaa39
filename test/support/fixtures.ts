import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { REPO_ROOT } from '../../contracts/providers.ts';
import { runRedocly } from '../../contracts/redocly.ts';

export const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures');

export function loadYamlFixture(rel: string): any {
  return parse(fs.readFileSync(path.join(FIXTURES, rel), 'utf8'));
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `accord-${prefix}-`));
}

export interface LintTotals {
  errors: number;
  warnings: number;
  /** The rule ids that reported, e.g. `accord/error-envelope`. */
  rules: string[];
}

/**
 * Lints a spec object under the project's own ruleset (redocly.yaml's rules and plugin, with the
 * given per-API rule options), in a temporary folder.
 */
export function lintWithProjectRules(spec: object, apiRules: Record<string, unknown>): LintTotals {
  const dir = tempDir('lint');
  const config = parse(fs.readFileSync(path.join(REPO_ROOT, 'redocly.yaml'), 'utf8'));
  config.plugins = (config.plugins as string[]).map((p) => path.resolve(REPO_ROOT, p));
  config.apis = { fixture: { root: './openapi.yaml', rules: apiRules } };
  fs.writeFileSync(path.join(dir, 'redocly.yaml'), stringify(config));
  fs.writeFileSync(path.join(dir, 'openapi.yaml'), stringify(spec));
  const run = runRedocly(['lint', 'fixture', '--format', 'json'], dir);
  fs.rmSync(dir, { recursive: true, force: true });
  return parseLintJson(run.stdout);
}

export function parseLintJson(stdout: string): LintTotals {
  const start = stdout.indexOf('{');
  const json = JSON.parse(stdout.slice(start));
  return {
    errors: json.totals.errors,
    warnings: json.totals.warnings,
    rules: [...new Set<string>(json.problems.map((p: any) => p.ruleId))].sort(),
  };
}
