/** check-signer reports: human, JSON, JUnit. Keys never reach them (run.ts redacts every case). */
import type { Failure, SignerReport } from './types.ts';

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

function failureLines(f: Failure, indent: string): string[] {
  const m = f.mismatch;
  return [
    `${indent}stage: ${m.stage}${m.where ? ` — ${m.where}` : ''}`,
    `${indent}  expected: ${m.expected}`,
    `${indent}  received: ${m.received}`,
    ...(m.hint ? [`${indent}  hint: ${m.hint}`] : []),
    ...f.shown.split('\n').map((l) => `${indent}  | ${l}`),
  ];
}

export function humanSignerReport(report: SignerReport): string {
  const lines = [`accord check-signer ${report.scheme} (${report.role}) against ${report.target}  seed ${report.seed}`, ''];
  for (const g of report.groups) lines.push(`${g.failed ? 'FAIL' : 'ok  '} ${g.id.padEnd(20)} ${g.passed} passed, ${g.failed} failed`);
  if (report.failures.length) {
    lines.push('', 'first failures:');
    for (const f of report.failures) lines.push(`  ${f.group}/${f.kind} ${f.name}`, ...failureLines(f, '    '));
  }
  if (report.shrunk) lines.push('', 'smallest failing case (shrunk by fast-check):', ...failureLines(report.shrunk, '    '));
  if (report.stages.length) lines.push('', `stages that differ: ${report.stages.join(', ')}`);
  lines.push('', `${report.passed + report.failed} cases, ${report.casesPerSecond} cases/s`, `${report.passed} passed, ${report.failed} failed, 0 skipped`);
  return lines.join('\n') + '\n';
}

export function jsonSignerReport(report: SignerReport): string {
  return JSON.stringify(report, null, 2) + '\n';
}

/** One test suite per group; failing cases are listed by name, passing ones counted. */
export function junitSignerReport(report: SignerReport): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="accord check-signer ${xml(report.scheme)}" tests="${report.passed + report.failed}" failures="${report.failed}">`];
  for (const g of report.groups) {
    const failures = report.failures.filter((f) => `${f.group}/${f.kind}` === g.id);
    out.push(`  <testsuite name="${xml(`${report.scheme}.${g.id}`)}" tests="${g.passed + g.failed}" failures="${g.failed}" time="${(g.ms / 1000).toFixed(3)}">`);
    out.push(`    <testcase classname="${xml(`${report.scheme}.${g.id}`)}" name="${g.passed} cases passed"/>`);
    for (const f of failures) {
      out.push(`    <testcase classname="${xml(`${report.scheme}.${g.id}`)}" name="${xml(f.name)}">`);
      out.push(`      <failure message="${xml(`${f.mismatch.stage}${f.mismatch.where ? ` (${f.mismatch.where})` : ''}: expected ${f.mismatch.expected}, received ${f.mismatch.received}`)}">${xml(failureLines(f, '').join('\n'))}</failure>`);
      out.push('    </testcase>');
    }
    if (g.failed > failures.length) out.push(`    <testcase classname="${xml(`${report.scheme}.${g.id}`)}" name="${g.failed - failures.length} more failing cases"><failure message="see the human or JSON report"/></testcase>`);
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}

export const SIGNER_REPORTERS = { human: humanSignerReport, json: jsonSignerReport, junit: junitSignerReport } as const;
