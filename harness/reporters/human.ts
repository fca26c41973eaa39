/** The human report: per check and subject, pass or fail; for failures the request, a response excerpt and why. */
import type { RunReport } from '../run.ts';

const ICON = { pass: 'ok  ', fail: 'FAIL', skip: 'skip' } as const;

export function humanReport(report: RunReport, options: { verbose?: boolean } = {}): string {
  const lines: string[] = [`accord check ${report.provider} against ${report.baseUrl}`, ''];
  for (const check of report.checks) {
    const state = check.failed ? 'FAIL' : check.passed ? 'ok  ' : 'skip';
    lines.push(`${state} ${check.id.padEnd(24)} ${check.passed} passed, ${check.failed} failed, ${check.skipped} skipped  (${check.ms} ms)`);
    for (const f of report.findings.filter((x) => x.check === check.id)) {
      if (f.outcome === 'pass' && !options.verbose) continue;
      if (f.outcome === 'skip' && !options.verbose && check.passed + check.failed > 0) continue;
      lines.push(`     ${ICON[f.outcome]} ${f.subject}${f.reason ? ` — ${f.reason}` : ''}`);
      if (f.outcome === 'fail' && f.exchange) {
        const q = f.exchange.request;
        lines.push(`          > ${q.method} ${q.url}`);
        if (q.body) lines.push(`          > ${q.body.replace(/\s+/g, ' ').slice(0, 200)}`);
        const r = f.exchange.response;
        if (r) lines.push(`          < ${r.status} ${r.body.replace(/\s+/g, ' ').slice(0, 300)}`);
        else if (f.exchange.error) lines.push(`          < (no response: ${f.exchange.error})`);
      }
    }
  }
  lines.push('', `${report.passed} passed, ${report.failed} failed, ${report.skipped} skipped`);
  return lines.join('\n') + '\n';
}
