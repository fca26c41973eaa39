/**
 * Runs the selected checks against a target and collects their findings. A check that throws is
 * itself a failure (never a crash of the run).
 */
import { createHarnessHttp, exchangeOf } from './http.ts';
import type { Check, CheckContext, CheckTarget, Finding, HarnessOptions } from './types.ts';

export const DEFAULT_OPTIONS: HarnessOptions = { seed: 1, maxExamples: 20, asyncTimeoutMs: 10_000 };

export interface RunReport {
  provider: string;
  baseUrl: string;
  checks: Array<{ id: string; passed: number; failed: number; skipped: number; ms: number }>;
  findings: Finding[];
  passed: number;
  failed: number;
  skipped: number;
}

/** mulberry32: small, seedable, good enough to pick test inputs reproducibly. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RunHooks {
  onCheckStart?(check: Check, index: number, total: number): void;
  onCheckEnd?(check: Check, findings: Finding[]): void;
  fetch?: typeof fetch;
}

export async function runChecks(target: CheckTarget, checks: readonly Check[], options: Partial<HarnessOptions> = {}, hooks: RunHooks = {}): Promise<RunReport> {
  const opts = { ...DEFAULT_OPTIONS, ...options };
  const http = createHarnessHttp(target.contract, target.baseUrl, target.credentials, hooks.fetch);
  const findings: Finding[] = [];
  const summary: RunReport['checks'] = [];
  for (const [i, check] of checks.entries()) {
    hooks.onCheckStart?.(check, i, checks.length);
    const own: Finding[] = [];
    const record = (f: Omit<Finding, 'check'>) => void own.push({ check: check.id, ...f, ...(f.exchange ? { exchange: exchangeOf(f.exchange) } : {}) });
    const ctx: CheckContext = { ...target, options: opts, http, random: seededRandom(opts.seed), record };
    const started = performance.now();
    try {
      await check.run(ctx);
    } catch (err) {
      own.push({ check: check.id, subject: '(check)', outcome: 'fail', reason: `the check itself failed: ${(err as Error).message}` });
    }
    findings.push(...own);
    summary.push({
      id: check.id,
      passed: own.filter((f) => f.outcome === 'pass').length,
      failed: own.filter((f) => f.outcome === 'fail').length,
      skipped: own.filter((f) => f.outcome === 'skip').length,
      ms: Math.round(performance.now() - started),
    });
    hooks.onCheckEnd?.(check, own);
  }
  return {
    provider: target.provider.id,
    baseUrl: target.baseUrl,
    checks: summary,
    findings,
    passed: findings.filter((f) => f.outcome === 'pass').length,
    failed: findings.filter((f) => f.outcome === 'fail').length,
    skipped: findings.filter((f) => f.outcome === 'skip').length,
  };
}
