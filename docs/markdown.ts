import { createRequire } from 'node:module';

/**
 * Markdown → HTML for the docs pages (DECISIONS.md, CONVENTIONS.md, VECTORS.md), on `marked`
 * 4.3.0: redoc 2.5.2's own Markdown renderer, already in the lockfile as its dependency (accord
 * adds no package for it). What accord adds on top, for pages that must work offline and never
 * execute what a spec author typed:
 * - raw HTML in the source is shown as text, never passed through (`<unix_ts>` in a quoted doc
 *   line stays visible instead of becoming an unknown element);
 * - images become their alt text (no remote image is ever loaded);
 * - relative links are rewritten through a map (`CONVENTIONS.md` → `signing.html`); a relative
 *   link the map does not know becomes plain text rather than a dead link;
 * - a heading that starts with a decision id (`## D7 — …`) gets the id `D7`, and a table cell that
 *   is exactly a decision id with such a heading links to it;
 * - heading levels can be shifted, so several documents can share one page with one `<h1>`.
 * Output is deterministic (`mangle` off: marked would otherwise obfuscate e-mail addresses at random).
 */

interface MarkedSlugger {
  slug(value: string): string;
}
interface MarkedRenderer {
  options: Record<string, unknown>;
  code(code: string, infostring: string | undefined, escaped: boolean): string;
  heading(text: string, level: number, raw: string, slugger: MarkedSlugger): string;
  html(html: string): string;
  link(href: string | null, title: string | null, text: string): string;
  image(href: string | null, title: string | null, text: string): string;
  tablecell(content: string, flags: { header: boolean; align: 'center' | 'left' | 'right' | null }): string;
}
interface MarkedModule {
  marked: { parse(src: string, options: Record<string, unknown>): string };
  Renderer: new () => MarkedRenderer;
}

const require = createRequire(import.meta.url);
const { marked, Renderer } = require('marked') as MarkedModule;

export interface MarkdownOptions {
  /**
   * Relative link targets (without their `#fragment`) → where they point in the output, e.g.
   * `{ 'CONVENTIONS.md': 'signing.html' }`. Absolute http(s)/mailto links and `#fragment`
   * links are kept as they are.
   */
  links?: Readonly<Record<string, string>>;
  /** Added to every heading level (1 → `#` becomes `<h2>`); capped at 6. */
  shiftHeadings?: number;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const DECISION_HEADING = /^(D\d+)\b/;

/** Decision ids (`D7`) that have a heading of their own in `src` (outside code fences). */
export function decisionHeadingIds(src: string): Set<string> {
  const ids = new Set<string>();
  for (const line of linesOutsideFences(src)) {
    const m = /^#{1,6}\s+(.*)$/.exec(line.text);
    const d = m && DECISION_HEADING.exec(m[1]!.trim());
    if (d) ids.add(d[1]!);
  }
  return ids;
}

/** Where a link in the source should point in the output; null: render its text only. */
export function resolveLink(href: string, links: Readonly<Record<string, string>> = {}): string | null {
  if (href.startsWith('#')) return href;
  if (/^(https?:|mailto:)/i.test(href)) return href;
  if (/^[a-z][a-z0-9+.-]*:/i.test(href)) return null; // javascript:, data:, file:, …
  const hash = href.indexOf('#');
  const target = hash === -1 ? href : href.slice(0, hash);
  const fragment = hash === -1 ? '' : href.slice(hash);
  const mapped = links[target.replace(/^\.\//, '')];
  return mapped === undefined ? null : mapped + fragment;
}

/** Renders Markdown to an HTML fragment (see the module comment for what differs from plain marked). */
export function renderMarkdown(src: string, options: MarkdownOptions = {}): string {
  const shift = options.shiftHeadings ?? 0;
  const decisions = decisionHeadingIds(src);
  const renderer = new Renderer();
  renderer.html = (html) => escapeHtml(html);
  renderer.image = (_href, _title, text) => text;
  renderer.heading = (text, level, raw, slugger) => {
    const h = Math.min(6, Math.max(1, level + shift));
    const d = DECISION_HEADING.exec(raw.trim());
    const id = d ? d[1]! : slugger.slug(raw);
    return `<h${h} id="${escapeHtml(id)}">${text}</h${h}>\n`;
  };
  renderer.link = (href, title, text) => {
    const target = href === null ? null : resolveLink(href, options.links);
    if (target === null) return text;
    const external = /^(https?:|mailto:)/i.test(target);
    return `<a href="${escapeHtml(target)}"${title ? ` title="${title}"` : ''}${external ? ' rel="noopener noreferrer"' : ''}>${text}</a>`;
  };
  const plainCell = renderer.tablecell.bind(renderer);
  renderer.tablecell = (content, flags) => {
    const linked = !flags.header && decisions.has(content.trim()) ? `<a href="#${content.trim()}">${content.trim()}</a>` : content;
    return plainCell(linked, flags);
  };
  return marked.parse(src, { renderer, gfm: true, mangle: false, headerIds: true, headerPrefix: '' });
}

interface SourceLine {
  text: string;
  index: number;
}

function linesOutsideFences(src: string): SourceLine[] {
  const out: SourceLine[] = [];
  let fence: string | null = null;
  src.split('\n').forEach((text, index) => {
    const m = /^\s{0,3}(`{3,}|~{3,})/.exec(text);
    if (m) {
      if (fence === null) fence = m[1]!;
      else if (m[1]!.startsWith(fence[0]!) && m[1]!.length >= fence.length) fence = null;
      return;
    }
    if (fence === null) out.push({ text, index });
  });
  return out;
}

/** The first heading whose text starts with `title`, or throws: a renamed heading fails the build. */
export function markdownSection(src: string, title: string): string {
  const lines = src.split('\n');
  const headings = linesOutsideFences(src)
    .map((l) => ({ ...l, m: /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(l.text) }))
    .filter((h): h is SourceLine & { m: RegExpExecArray } => h.m !== null);
  const start = headings.findIndex((h) => h.m[2]!.startsWith(title));
  if (start === -1) throw new Error(`no heading starting with "${title}"`);
  const level = headings[start]!.m[1]!.length;
  const end = headings.slice(start + 1).find((h) => h.m[1]!.length <= level);
  return lines.slice(headings[start]!.index, end ? end.index : lines.length).join('\n').trimEnd() + '\n';
}

/** The text of the first `# ` heading, or the fallback. */
export function markdownTitle(src: string, fallback: string): string {
  const h1 = linesOutsideFences(src).find((l) => /^#\s+/.test(l.text));
  return h1 ? h1.text.replace(/^#\s+/, '').replace(/[`*_]/g, '').trim() : fallback;
}
