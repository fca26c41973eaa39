/** The check catalogue as a Markdown table (README.md embeds it; a test keeps the two equal). */
import { CHECKS } from './catalogue.ts';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function catalogueMarkdown(): string {
  const rows = CHECKS.map((c) => `| \`${c.id}\`${c.optIn ? ' (opt-in)' : ''} | ${c.group} | ${cell(c.sends)} | ${cell(c.expects)} |`);
  return ['| check | group | sends | expects |', '| --- | --- | --- | --- |', ...rows].join('\n');
}
