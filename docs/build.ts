import fs from 'node:fs';
import { resolveOptional } from '../packaging/optional.ts';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleSpec, type OpenApiDocument } from '../contracts/bundle.ts';
import { PROVIDERS, REPO_ROOT, type Provider, type ProviderId } from '../contracts/providers.ts';
import { decisionHeadingIds, escapeHtml, markdownSection, markdownTitle, renderMarkdown } from './markdown.ts';

/**
 * `accord docs`: the offline HTML reference. One Redoc page per provider (the bundled spec inlined
 * in the page, so it opens from file:// as well as from a server), one page per provider's
 * DECISIONS.md, the signing guide (CONVENTIONS.md's signing part + VECTORS.md) and an index linking
 * them all. Redoc is redoc's own standalone bundle from node_modules, copied next to the pages and
 * referenced relatively: nothing in the output loads anything from the network.
 */

/** Relative to the working directory (the user's project, not the installed package). */
export const DEFAULT_DOCS_DIR = path.join('.accord', 'docs');
const DOCS_SRC = path.dirname(fileURLToPath(import.meta.url));

export type DocsPageKind = 'index' | 'reference' | 'decisions' | 'signing';

export interface DocsPage {
  /** Path relative to the output folder, e.g. `starship.html`. */
  file: string;
  title: string;
  kind: DocsPageKind;
  provider?: ProviderId;
}

export interface ProviderSummary {
  provider: Provider;
  version: string;
  operations: number;
  webhooks: number;
  decisions: number;
  requestSigning: string | null;
  webhookSigning: string | null;
}

export interface DocsResult {
  outDir: string;
  pages: DocsPage[];
  /** Every file written, relative to outDir, sorted. */
  files: string[];
  providers: ProviderSummary[];
  redocVersion: string;
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** Operations of a path-item map (`paths` or `webhooks`), in document order. */
export function operationsOf(items: Record<string, any> | undefined): Array<{ key: string; method: string; operationId?: string; summary?: string }> {
  const out: Array<{ key: string; method: string; operationId?: string; summary?: string }> = [];
  for (const [key, item] of Object.entries(items ?? {})) {
    if (typeof item !== 'object' || item === null) continue;
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (typeof op === 'object' && op !== null) out.push({ key, method, operationId: op.operationId, summary: op.summary });
    }
  }
  return out;
}

export const referenceFile = (id: ProviderId) => `${id}.html`;
export const decisionsFile = (id: ProviderId) => `${id}-decisions.html`;
export const SIGNING_FILE = 'signing.html';
export const INDEX_FILE = 'index.html';
const ASSETS = 'assets';
const REDOC_JS = `${ASSETS}/redoc.standalone.js`;
const CSS = `${ASSETS}/docs.css`;

/** The one remote URL in redoc's standalone bundle: the sidebar footer's logo image. */
export const REDOC_REMOTE_LOGO = 'https://cdn.redoc.ly/redoc/logo-mini.svg';

/**
 * Redoc's standalone bundle made fully offline: its footer logo (`<img src="https://cdn.redoc.ly/…">`,
 * hidden by redoc itself when it fails to load) points at an empty `data:` URL instead, so it fails
 * without a request; the source-map comment is dropped (the map is not copied). Links (`<a href>`)
 * stay: following one is the reader's choice, not a load. Throws when the bundle no longer looks
 * as expected (a redoc upgrade must be re-checked here).
 */
export function offlineRedocBundle(src: string): string {
  const found = src.split(REDOC_REMOTE_LOGO).length - 1;
  if (found !== 1) throw new Error(`redoc bundle: expected the remote footer logo once, found it ${found} times; re-check docs/build.ts after a redoc upgrade`);
  const out = src.replace(REDOC_REMOTE_LOGO, 'data:,').replace(/\n\/\/# sourceMappingURL=[^\n]*\s*$/, '\n');
  // anything else the page would fetch by itself: an element's src, a CSS url(), an @import
  const remote = /\bsrc\s*[:=]\s*["'`](?:https?:)?\/\/[^"'`]*|url\(\s*["']?(?:https?:)?\/\/|@import\s+["']?(?:https?:)?\/\//.exec(out);
  if (remote) throw new Error(`redoc bundle: another remote resource (${remote[0].slice(0, 80)}); re-check docs/build.ts`);
  return out;
}

function redocPaths(): { bundle: string; license: string; version: string } {
  const bundle = resolveOptional(import.meta.url, 'redoc/bundles/redoc.standalone.js');
  const pkg = JSON.parse(fs.readFileSync(path.join(path.dirname(bundle), '..', 'package.json'), 'utf8')) as { version: string };
  return { bundle, license: `${bundle}.LICENSE.txt`, version: pkg.version };
}

/** JSON that can sit inside `<script type="application/json">` (no `</script>`, no `<!--`). */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

interface Shell {
  title: string;
  /** Which nav entry is the current page. */
  current: string;
  /** The provider a page belongs to (its decisions page is linked from the bar). */
  provider?: Provider;
  body: string;
  bodyClass: string;
  scripts?: string;
}

function nav(current: string, provider?: Provider): string {
  const link = (href: string, label: string, cls?: string) =>
    `<a href="${href}"${href === current ? ' aria-current="page"' : ''}${cls ? ` class="${cls}"` : ''}>${escapeHtml(label)}</a>`;
  const links = [link(INDEX_FILE, 'accord API docs', 'home')];
  for (const p of PROVIDERS) {
    links.push(link(referenceFile(p.id), p.title));
    if (p.id === provider?.id) links.push(link(decisionsFile(p.id), 'decisions', 'sub'));
  }
  links.push(link(SIGNING_FILE, 'Signing guide'));
  return `<nav class="accord-bar" aria-label="accord docs">\n    ${links.join('\n    ')}\n  </nav>`;
}

function shell(s: Shell): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="generator" content="accord docs">
  <title>${escapeHtml(s.title)}</title>
  <link rel="stylesheet" href="${CSS}">
</head>
<body class="${s.bodyClass}">
  ${nav(s.current, s.provider)}
${s.body}
${s.scripts ?? ''}</body>
</html>
`;
}

/** Redoc's options for every reference page (https://redocly.com/docs/redoc/config). */
function redocOptions(provider: Provider): Record<string, unknown> {
  return {
    scrollYOffset: 'nav.accord-bar',
    downloadFileName: `${provider.id}.openapi.json`,
    expandResponses: '200,201,202,204',
    jsonSampleExpandLevel: 3,
    requiredPropsFirst: true,
    pathInMiddlePanel: true,
    showWebhookVerb: true,
    showExtensions: ['x-signing', 'x-idempotency', 'x-rate-limit-class', 'x-key-scope', 'x-status', 'x-accord-decision'],
    theme: {
      colors: { primary: { main: '#1f5f8b' } },
      typography: { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif', headings: { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif' } },
      sidebar: { width: '280px' },
    },
  };
}

function referencePage(provider: Provider, doc: OpenApiDocument): string {
  const body = `  <div id="redoc" data-provider="${provider.id}" data-state="loading">
    <noscript><p class="doc">This reference is rendered by Redoc and needs JavaScript. The decisions page does not: <a href="${decisionsFile(provider.id)}">${escapeHtml(provider.title)} decisions</a>.</p></noscript>
  </div>`;
  const scripts = `  <script id="accord-spec" type="application/json">${scriptJson(doc)}</script>
  <script id="accord-redoc-options" type="application/json">${scriptJson(redocOptions(provider))}</script>
  <script src="${REDOC_JS}"></script>
  <script>
    (function () {
      var el = document.getElementById('redoc');
      var spec = JSON.parse(document.getElementById('accord-spec').textContent);
      var options = JSON.parse(document.getElementById('accord-redoc-options').textContent);
      Redoc.init(spec, options, el, function (err) { el.setAttribute('data-state', err ? 'error' : 'ready'); });
    })();
  </script>
`;
  return shell({ title: `${provider.title} API reference — accord`, current: referenceFile(provider.id), provider, body, bodyClass: 'reference', scripts });
}

/** Relative Markdown links in specs/ → pages of the output. */
function linkMap(from: 'specs' | ProviderId): Record<string, string> {
  const map: Record<string, string> = {};
  const prefix = from === 'specs' ? '' : '../';
  map[`${prefix}CONVENTIONS.md`] = SIGNING_FILE;
  map[`${prefix}VECTORS.md`] = `${SIGNING_FILE}#vectors`;
  for (const p of PROVIDERS) {
    map[from === 'specs' ? `${p.id}/DECISIONS.md` : p.id === from ? 'DECISIONS.md' : `../${p.id}/DECISIONS.md`] = decisionsFile(p.id);
    map[from === 'specs' ? `${p.id}/openapi.yaml` : p.id === from ? 'openapi.yaml' : `../${p.id}/openapi.yaml`] = referenceFile(p.id);
  }
  return map;
}

function decisionsPage(provider: Provider, markdown: string): string {
  const body = `  <main class="doc">
    <p class="crumbs"><a href="${INDEX_FILE}">accord API docs</a> › <a href="${referenceFile(provider.id)}">${escapeHtml(provider.title)} reference</a> › decisions</p>
${renderMarkdown(markdown, { links: linkMap(provider.id) })}  </main>`;
  return shell({ title: `${markdownTitle(markdown, provider.title)} — accord`, current: decisionsFile(provider.id), provider, body, bodyClass: 'markdown', scripts: '' });
}

function signingPage(conventions: string, vectors: string, summaries: ProviderSummary[]): string {
  const rows = summaries
    .map(
      (s) =>
        `<tr><td><a href="${referenceFile(s.provider.id)}">${escapeHtml(s.provider.title)}</a></td><td>${s.requestSigning ? `<code>${escapeHtml(s.requestSigning)}</code>` : 'none (API key only)'}</td><td>${s.webhookSigning ? `<code>${escapeHtml(s.webhookSigning)}</code>` : 'none'}</td></tr>`,
    )
    .join('\n');
  const body = `  <main class="doc">
    <p class="crumbs"><a href="${INDEX_FILE}">accord API docs</a> › signing guide</p>
    <h1 id="signing-guide">Signing guide</h1>
    <p>How each provider's requests and webhooks are signed, the exact canonical strings, and the test
    vectors every implementation can check itself against. From <code>specs/CONVENTIONS.md</code> and
    <code>specs/VECTORS.md</code>; every scheme is implemented once in accord's signing engine
    (<code>npx accord sign</code>, <code>npx accord verify</code>, <code>npx accord vectors</code>).</p>
    <nav class="toc" aria-label="On this page"><a href="#by-provider">By provider</a> · <a href="#schemes">Schemes and canonical strings</a> · <a href="#vectors">Test vectors</a></nav>
    <h2 id="by-provider">By provider</h2>
    <table>
<thead><tr><th>provider</th><th>requests</th><th>webhooks</th></tr></thead>
<tbody>
${rows}
</tbody>
    </table>
    <section id="schemes">
${renderMarkdown(markdownSection(conventions, 'Signing scheme ids'), { links: linkMap('specs') })}    </section>
    <section id="vectors">
${renderMarkdown(vectors, { links: linkMap('specs'), shiftHeadings: 1 })}    </section>
  </main>`;
  return shell({ title: 'Signing guide — accord', current: SIGNING_FILE, body, bodyClass: 'markdown', scripts: '' });
}

function indexPage(summaries: ProviderSummary[], redocVersion: string): string {
  const rows = summaries
    .map(
      (s) => `<tr>
  <th scope="row"><a href="${referenceFile(s.provider.id)}">${escapeHtml(s.provider.title)}</a></th>
  <td>${escapeHtml(s.version)}</td>
  <td class="num">${s.operations}</td>
  <td class="num">${s.webhooks}</td>
  <td>${s.requestSigning ? `<code>${escapeHtml(s.requestSigning)}</code>` : 'none'}</td>
  <td>${s.webhookSigning ? `<code>${escapeHtml(s.webhookSigning)}</code>` : 'none'}</td>
  <td><a href="${decisionsFile(s.provider.id)}">${s.decisions} decisions</a></td>
</tr>`,
    )
    .join('\n');
  const body = `  <main class="doc">
    <h1 id="accord-api-docs">accord API docs</h1>
    <p>The API reference of the four partner contracts accord maintains, built from <code>specs/</code>
    by <code>npx accord docs</code>. Everything here works offline: the pages, the renderer and the
    specs are all in this folder.</p>
    <h2 id="references">API references</h2>
    <table class="providers">
<thead><tr><th>provider</th><th>contract version</th><th>operations</th><th>webhooks</th><th>request signing</th><th>webhook signing</th><th>decisions</th></tr></thead>
<tbody>
${rows}
</tbody>
    </table>
    <h2 id="guides">Guides</h2>
    <ul>
      <li><a href="${SIGNING_FILE}">Signing guide</a>: the eight signing schemes, their canonical strings and headers, and the test-vector format.</li>
${summaries.map((s) => `      <li><a href="${decisionsFile(s.provider.id)}">${escapeHtml(s.provider.title)} decisions</a>: where the provider's documentation conflicts or is silent, and what the contract assumes.</li>`).join('\n')}
    </ul>
    <p class="footer">Reference pages rendered by Redoc ${escapeHtml(redocVersion)} (MIT, bundled in <code>${ASSETS}/</code>).</p>
  </main>`;
  return shell({ title: 'accord API docs', current: INDEX_FILE, body, bodyClass: 'markdown index', scripts: '' });
}

function writeFile(outDir: string, rel: string, content: string | Buffer, written: string[]): void {
  const full = path.join(outDir, rel);
  fs.mkdirSync(path.dirname(full), { recursive: true });
  fs.writeFileSync(full, content);
  written.push(rel);
}

/**
 * Builds the docs into `outDir` (created when missing; files of the same names are overwritten,
 * nothing else is touched). Output is deterministic: the same specs give the same bytes.
 *
 * @example
 *   const { pages } = await buildDocs({ outDir: '.accord/docs' });
 */
export async function buildDocs(options: { outDir?: string } = {}): Promise<DocsResult> {
  const outDir = path.resolve(options.outDir ?? DEFAULT_DOCS_DIR);
  const redoc = redocPaths();
  const specsDir = path.join(REPO_ROOT, 'specs');
  const written: string[] = [];
  const pages: DocsPage[] = [];
  const summaries: ProviderSummary[] = [];

  const docs = await Promise.all(PROVIDERS.map(async (p) => ({ provider: p, doc: await bundleSpec(p.specPath), decisions: fs.readFileSync(path.join(specsDir, p.id, 'DECISIONS.md'), 'utf8') })));

  writeFile(outDir, REDOC_JS, offlineRedocBundle(fs.readFileSync(redoc.bundle, 'utf8')), written);
  if (fs.existsSync(redoc.license)) writeFile(outDir, `${REDOC_JS}.LICENSE.txt`, fs.readFileSync(redoc.license), written);
  writeFile(outDir, CSS, fs.readFileSync(path.join(DOCS_SRC, 'docs.css')), written);

  for (const { provider, doc, decisions } of docs) {
    const signing = (doc['x-signing'] ?? {}) as { request?: string | null; webhooks?: string | null };
    summaries.push({
      provider,
      version: String(doc.info?.version ?? ''),
      operations: operationsOf(doc.paths).length,
      webhooks: operationsOf(doc.webhooks).length,
      decisions: decisionHeadingIds(decisions).size,
      requestSigning: signing.request ?? null,
      webhookSigning: signing.webhooks ?? null,
    });
    writeFile(outDir, referenceFile(provider.id), referencePage(provider, doc), written);
    pages.push({ file: referenceFile(provider.id), title: `${provider.title} API reference`, kind: 'reference', provider: provider.id });
    writeFile(outDir, decisionsFile(provider.id), decisionsPage(provider, decisions), written);
    pages.push({ file: decisionsFile(provider.id), title: `${provider.title} decisions`, kind: 'decisions', provider: provider.id });
  }

  const conventions = fs.readFileSync(path.join(specsDir, 'CONVENTIONS.md'), 'utf8');
  const vectors = fs.readFileSync(path.join(specsDir, 'VECTORS.md'), 'utf8');
  writeFile(outDir, SIGNING_FILE, signingPage(conventions, vectors, summaries), written);
  pages.push({ file: SIGNING_FILE, title: 'Signing guide', kind: 'signing' });

  writeFile(outDir, INDEX_FILE, indexPage(summaries, redoc.version), written);
  pages.unshift({ file: INDEX_FILE, title: 'accord API docs', kind: 'index' });

  return { outDir, pages, files: written.sort(), providers: summaries, redocVersion: redoc.version };
}
