/** The JSON report, for CI: the summary per check and every finding with its redacted exchange. */
import type { RunReport } from '../run.ts';

export function jsonReport(report: RunReport): string {
  return JSON.stringify({ format: 'accord-check-report/1', ...report }, null, 2) + '\n';
}
