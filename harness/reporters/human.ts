/** The human report: per check and subject, pass or fail; for failures the request, a response excerpt and why. */
import type { PacingStats } from '../pacing.ts';
import type { RunReport } from '../run.ts';

const ICON = { pass: 'ok  ', fail: 'FAIL', skip: 'skip', inconclusive: 'INC ' } as const;

/** One line: requests sent and what the rate limits cost (real waits, sandbox clock advanced, 429s retried). */
export function pacingLine(p: PacingStats): string {
  const parts = [`${p.requests} request${p.requests === 1 ? '' : 's'}`, `waited ${(p.waitedRealMs / 1000).toFixed(1)} s for rate limits`];
  if (p.advancedSeconds) parts.push(`advanced the sandbox clock ${Math.round(p.advancedSeconds)} s instead of waiting`);
  if (p.minimumSeconds) parts.push(`the documented limits allow these requests in no less than ${Math.round(p.minimumSeconds)} s`);
  if (p.retried429) parts.push(`${p.retried429} 429 answer${p.retried429 > 1 ? 's' : ''} retried after ${p.retryAfterSeconds} s of Retry-After`);
  return parts.join(', ');
}

export function humanReport(report: RunReport, options: { verbose?: boolean } = {}): string {
  const lines: string[] = [`accord check ${report.provider} against ${report.baseUrl}`, ''];
  const nothing = new Set(report.judgedNothing ?? []);
  for (const check of report.checks) {
    const inconclusive = check.inconclusive ?? 0;
    const state = check.failed ? 'FAIL' : nothing.has(check.id) ? 'NONE' : check.passed ? 'ok  ' : 'skip';
    lines.push(`${state} ${check.id.padEnd(24)} ${check.passed} passed, ${check.failed} failed, ${check.skipped} skipped${inconclusive ? `, ${inconclusive} inconclusive` : ''}  (${check.ms} ms)${nothing.has(check.id) ? '  judged nothing' : ''}`);
    for (const f of report.findings.filter((x) => x.check === check.id)) {
      if (f.outcome === 'pass' && !options.verbose) continue;
      if (f.outcome === 'skip' && !options.verbose && check.passed + check.failed > 0) continue;
      lines.push(`     ${ICON[f.outcome]} ${f.subject}${f.reason ? ` — ${f.reason}` : ''}`);
      if ((f.outcome === 'fail' || f.outcome === 'inconclusive') && f.exchange) {
        const q = f.exchange.request;
        lines.push(`          > ${q.method} ${q.url}`);
        if (q.body) lines.push(`          > ${q.body.replace(/\s+/g, ' ').slice(0, 200)}`);
        const r = f.exchange.response;
        if (r) lines.push(`          < ${r.status} ${r.body.replace(/\s+/g, ' ').slice(0, 300)}`);
        else if (f.exchange.error) lines.push(`          < (no response: ${f.exchange.error})`);
      }
    }
  }
  lines.push('');
  if (report.pacing) lines.push(pacingLine(report.pacing));
  if (nothing.size) lines.push(`judged nothing (fails the run): ${[...nothing].join(', ')}`);
  lines.push(`${report.passed} passed, ${report.failed} failed, ${report.skipped} skipped${report.inconclusive ? `, ${report.inconclusive} inconclusive` : ''}`);
  return lines.join('\n') + '\n';
}
