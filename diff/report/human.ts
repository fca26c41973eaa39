import type { DiffReport } from '../types.ts';
import { baseLabel, headLabel, operationsCell, summaryLine, verdict } from './common.ts';

const cut = (s: string, n: number) => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);

/** An aligned table for a terminal: level, rule, operations, where, change. */
export function humanReport(r: DiffReport, opts: { verbose?: boolean } = {}): string {
  const lines = [`accord diff ${r.provider}: ${baseLabel(r)} → ${headLabel(r)}`, `${summaryLine(r)}`];
  if (r.changes.length) {
    const rows = r.changes.map((c) => [c.level.toUpperCase(), c.rule, opts.verbose ? c.operations.join(', ') || '(API-wide)' : cut(operationsCell(c.operations), 48), cut(c.where, 56), c.message]);
    const header = ['LEVEL', 'RULE', 'OPERATIONS', 'WHERE', 'CHANGE'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (i === header.length - 1 ? 0 : row[i]!.length))));
    const fmt = (row: string[]) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd();
    lines.push('', fmt(header), ...rows.map(fmt));
  }
  lines.push('', verdict(r));
  return lines.join('\n') + '\n';
}
