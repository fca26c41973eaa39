/**
 * Runs the selected checks against a target and collects their findings. A check that throws is
 * itself a failure (never a crash of the run).
 *
 * No vacuous verdicts: whatever a check records, a pass or a fail judged on an answer that does not
 * bear on it is turned inconclusive here, with the reason: no response at all, a 429 still there
 * after the retries (outside the rate_limit check), a 5xx passed by a check about something else.
 * A check that judged nothing (only inconclusive findings; or only skips when named with --checks)
 * fails the run.
 */
import { createHarnessHttp, exchangeOf } from './http.ts';
import type { PacingStats } from './pacing.ts';
import { preflight } from './preflight.ts';
import { restoreState } from './checks/steps.ts';
import { harnessOf } from './registry.ts';
import type { Check, CheckContext, CheckTarget, Finding, HarnessOptions } from './types.ts';

export const DEFAULT_OPTIONS: HarnessOptions = { seed: 1, maxExamples: 20, asyncTimeoutMs: 10_000 };

export interface CheckSummary {
  id: string;
  passed: number;
  failed: number;
  skipped: number;
  /** Subjects it could not judge (see Outcome). Absent in reports written before it existed. */
  inconclusive?: number;
  ms: number;
}

export interface RunReport {
  provider: string;
  baseUrl: string;
  checks: CheckSummary[];
  findings: Finding[];
  passed: number;
  failed: number;
  skipped: number;
  inconclusive?: number;
  /** Checks that judged nothing (they fail the run). */
  judgedNothing?: string[];
  /** Requests sent and time spent waiting for rate limits. */
  pacing?: PacingStats;
}

/** The run's verdict: a failed finding, or a selected check that judged nothing. */
export const runFailed = (report: RunReport): boolean => report.failed > 0 || (report.judgedNothing?.length ?? 0) > 0;

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
  /** The checks were named on the command line: one that only skips fails the run too. */
  explicit?: boolean;
  /** Run the pre-flight first (harness/preflight.ts); it throws PreflightError when the run cannot start. */
  preflight?: boolean;
}

/** Why an answer cannot support a verdict of this check, or undefined when it can. */
export function outsideTheCheck(check: Pick<Check, 'id' | 'group'>, finding: Omit<Finding, 'check'>): string | undefined {
  if (!finding.exchange || (finding.outcome !== 'pass' && finding.outcome !== 'fail')) return undefined;
  const status = finding.exchange.response?.status;
  if (status === undefined) return `no response (${finding.exchange.error ?? 'connection failed'})`;
  if (status === 429 && check.group !== 'rate-limit') return 'rate limited (429) after the retries the harness allows';
  // Webhook findings show the receiver's answer (the harness's own 500s, refusing deliveries on purpose).
  if (status >= 500 && finding.outcome === 'pass' && check.id !== 'fuzz' && check.group !== 'webhooks') return `server error ${status}: the answer says nothing about what this check judges`;
  return undefined;
}

export async function runChecks(target: CheckTarget, checks: readonly Check[], options: Partial<HarnessOptions> = {}, hooks: RunHooks = {}): Promise<RunReport> {
  const opts = { ...DEFAULT_OPTIONS, ...options };
  const http = createHarnessHttp(target.contract, target.baseUrl, target.credentials, {
    ...(hooks.fetch ? { fetch: hooks.fetch } : {}),
    ...(target.controlUrl ? { controlUrl: target.controlUrl } : {}),
    ...(target.controlToken ? { controlToken: target.controlToken } : {}),
  });
  if (hooks.preflight) await preflight(target, http);
  const findings: Finding[] = [];
  // State the checks spend (a wallet, stock) is put back first: the same state, the same verdict, run after run.
  const restoreCtx: CheckContext = { ...target, options: opts, http, random: seededRandom(opts.seed), record: () => undefined };
  for (const problem of await restoreState(restoreCtx, harnessOf(target.provider.id).restore)) findings.push({ check: 'restore', subject: '(provider)', outcome: 'fail', reason: `${problem}; later checks may fail for want of state` });
  const summary: CheckSummary[] = [];
  const judgedNothing: string[] = [];
  for (const [i, check] of checks.entries()) {
    hooks.onCheckStart?.(check, i, checks.length);
    const own: Finding[] = [];
    const record = (f: Omit<Finding, 'check'>) => {
      const outside = outsideTheCheck(check, f);
      const judged = outside ? { ...f, outcome: 'inconclusive' as const, reason: f.reason ? `${outside} (${f.reason})` : outside } : f;
      own.push({ check: check.id, ...judged, ...(judged.exchange ? { exchange: exchangeOf(judged.exchange) } : {}) });
    };
    const ctx: CheckContext = { ...target, options: opts, http, random: seededRandom(opts.seed), record };
    const started = performance.now();
    try {
      await check.run(ctx);
    } catch (err) {
      own.push({ check: check.id, subject: '(check)', outcome: 'fail', reason: `the check itself failed: ${(err as Error).message}` });
    }
    findings.push(...own);
    const count = (o: Finding['outcome']) => own.filter((f) => f.outcome === o).length;
    const s: CheckSummary = { id: check.id, passed: count('pass'), failed: count('fail'), skipped: count('skip'), inconclusive: count('inconclusive'), ms: Math.round(performance.now() - started) };
    summary.push(s);
    if (s.passed + s.failed === 0 && (s.inconclusive! > 0 || hooks.explicit)) judgedNothing.push(check.id);
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
    inconclusive: findings.filter((f) => f.outcome === 'inconclusive').length,
    judgedNothing,
    pacing: { ...http.stats },
  };
}
