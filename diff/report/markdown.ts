import type { DiffReport } from '../types.ts';
import { baseLabel, headLabel, operationsCell, summaryLine, verdict } from './common.ts';

const ICON = { breaking: '🔴 breaking', risky: '🟠 risky', 'non-breaking': '🟢 non-breaking' } as const;
const cell = (s: string) => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (s: string) => (s ? `\`${s.replace(/`/g, "'")}\`` : '');

/** A Markdown section for a pull-request comment or a CI job summary. */
export function markdownReport(r: DiffReport): string {
  const lines = [`### accord diff \`${r.provider}\`: ${cell(baseLabel(r))} → ${cell(headLabel(r))}`, '', `**${verdict(r)}** (${summaryLine(r)})`];
  if (r.changes.length) {
    lines.push('', '| level | rule | operations | where | change |', '| --- | --- | --- | --- | --- |');
    for (const c of r.changes) lines.push(`| ${ICON[c.level]} | ${code(c.rule)} | ${cell(operationsCell(c.operations, 3))} | ${cell(c.where)} | ${cell(c.message)} |`);
  }
  return lines.join('\n') + '\n';
}
