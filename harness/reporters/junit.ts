/** The JUnit XML report: one test suite per check, one test case per subject. */
import type { RunReport } from '../run.ts';

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

export function junitReport(report: RunReport): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="accord check ${xml(report.provider)}" tests="${report.findings.length}" failures="${report.failed}" skipped="${report.skipped}">`];
  for (const check of report.checks) {
    const findings = report.findings.filter((f) => f.check === check.id);
    out.push(`  <testsuite name="${xml(check.id)}" tests="${findings.length}" failures="${check.failed}" skipped="${check.skipped}" time="${(check.ms / 1000).toFixed(3)}">`);
    for (const f of findings) {
      out.push(`    <testcase classname="${xml(`${report.provider}.${check.id}`)}" name="${xml(f.subject)}" time="${((f.exchange?.ms ?? 0) / 1000).toFixed(3)}">`);
      if (f.outcome === 'fail') {
        const detail = f.exchange ? `${f.exchange.request.method} ${f.exchange.request.url}\n${f.exchange.response ? `${f.exchange.response.status} ${f.exchange.response.body}` : f.exchange.error ?? ''}` : '';
        out.push(`      <failure message="${xml(f.reason ?? 'failed')}">${xml(detail)}</failure>`);
      } else if (f.outcome === 'skip') out.push(`      <skipped message="${xml(f.reason ?? '')}"/>`);
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}
