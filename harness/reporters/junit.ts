/** The JUnit XML report: one test suite per check, one test case per subject. */
import type { RunReport } from '../run.ts';

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

export function junitReport(report: RunReport): string {
  // Inconclusive findings are <skipped> (message "inconclusive: …"); a check that judged nothing adds one failing case.
  const nothing = new Set(report.judgedNothing ?? []);
  const tests = report.findings.length + nothing.size;
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="accord check ${xml(report.provider)}" tests="${tests}" failures="${report.failed + nothing.size}" skipped="${report.skipped + (report.inconclusive ?? 0)}">`];
  for (const check of report.checks) {
    const findings = report.findings.filter((f) => f.check === check.id);
    const none = nothing.has(check.id) ? 1 : 0;
    out.push(`  <testsuite name="${xml(check.id)}" tests="${findings.length + none}" failures="${check.failed + none}" skipped="${check.skipped + (check.inconclusive ?? 0)}" time="${(check.ms / 1000).toFixed(3)}">`);
    if (none) out.push(`    <testcase classname="${xml(`${report.provider}.${check.id}`)}" name="(judged nothing)" time="0.000">`, `      <failure message="the check judged nothing: every subject was inconclusive or skipped"/>`, '    </testcase>');
    for (const f of findings) {
      out.push(`    <testcase classname="${xml(`${report.provider}.${check.id}`)}" name="${xml(f.subject)}" time="${((f.exchange?.ms ?? 0) / 1000).toFixed(3)}">`);
      if (f.outcome === 'fail') {
        const detail = f.exchange ? `${f.exchange.request.method} ${f.exchange.request.url}\n${f.exchange.response ? `${f.exchange.response.status} ${f.exchange.response.body}` : f.exchange.error ?? ''}` : '';
        out.push(`      <failure message="${xml(f.reason ?? 'failed')}">${xml(detail)}</failure>`);
      } else if (f.outcome === 'skip') out.push(`      <skipped message="${xml(f.reason ?? '')}"/>`);
      else if (f.outcome === 'inconclusive') out.push(`      <skipped message="${xml(`inconclusive: ${f.reason ?? ''}`)}"/>`);
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}
