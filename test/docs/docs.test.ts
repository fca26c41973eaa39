import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bundleSpec } from '../../contracts/bundle.ts';
import { PROVIDERS, REPO_ROOT } from '../../contracts/providers.ts';
import { buildDocs, decisionsFile, offlineRedocBundle, operationsOf, referenceFile, REDOC_REMOTE_LOGO, SIGNING_FILE } from '../../docs/build.ts';
import { decisionHeadingIds, markdownSection, renderMarkdown, resolveLink } from '../../docs/markdown.ts';

// `accord docs` as a reader meets it: the real CLI builds the docs into a temp folder, a local
// HTTP server serves that folder, and Debian's Chromium (installed by `make chromium`, a
// prerequisite of `make test`) opens every page with every request to anything but localhost
// aborted and recorded. Each page must render what it promises, with no request leaving the machine.

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const VIEWPORT = { width: 1280, height: 800 };
const README_SCREENSHOT = path.join(REPO_ROOT, 'docs', 'screenshot.png');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-docs-test-'));
const outDir = path.join(tmp, 'docs');
const userDataDir = path.join(tmp, 'chromium-profile');
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function accord(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(REPO_ROOT, 'bin', 'accord.mjs'), ...args], { cwd: REPO_ROOT, timeout: 120_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr }),
    );
  });
}

/** Every file under dir, relative, sorted. */
function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else out.push(path.relative(dir, full));
    }
  };
  walk(dir);
  return out.sort();
}

const htmlFiles = () => listFiles(outDir).filter((f) => f.endsWith('.html'));
const read = (rel: string) => fs.readFileSync(path.join(outDir, rel), 'utf8');

/** Width and height from a PNG's IHDR chunk (throws when the bytes are not a PNG). */
function pngSize(file: string): { width: number; height: number } {
  const b = fs.readFileSync(file);
  if (b.subarray(0, 8).toString('hex') !== '89504e470d0a1a0a' || b.subarray(12, 16).toString('latin1') !== 'IHDR') throw new Error(`${file} is not a PNG`);
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

let cliRun: { code: number | null; stdout: string; stderr: string };
beforeAll(async () => {
  cliRun = await accord(['docs', '--out', outDir]);
}, 120_000);

describe('accord docs (the files)', () => {
  test('the CLI writes an index, a reference and a decisions page per provider, the signing guide and the assets', () => {
    expect(cliRun.stderr).toBe('');
    expect(cliRun.code).toBe(0);
    expect(cliRun.stdout).toMatch(/^docs: 10 pages, 13 files/m);
    const files = listFiles(outDir);
    const expected = ['index.html', SIGNING_FILE, 'assets/docs.css', 'assets/redoc.standalone.js', 'assets/redoc.standalone.js.LICENSE.txt', ...PROVIDERS.flatMap((p) => [referenceFile(p.id), decisionsFile(p.id)])];
    expect(files).toEqual([...expected].sort());
  });

  test('the index links every reference, every decisions page and the signing guide', () => {
    const index = read('index.html');
    const hrefs = new Set([...index.matchAll(/<a href="([^"]+)"/g)].map((m) => m[1]));
    for (const p of PROVIDERS) {
      expect(hrefs).toContain(referenceFile(p.id));
      expect(hrefs).toContain(decisionsFile(p.id));
      expect(index).toContain(p.title);
    }
    expect(hrefs).toContain(SIGNING_FILE);
  });

  test('no page refers to anything outside the folder: no http(s) script, stylesheet or image source, no CDN URL anywhere', () => {
    const remoteSource = /<(?:script|img|iframe|source|audio|video)\b[^>]*\ssrc\s*=\s*["']?\s*(?:https?:)?\/\/|<link\b[^>]*\shref\s*=\s*["']?\s*(?:https?:)?\/\//i;
    const cdn = /(?:https?:)?\/\/[^\s"'<>)]*(?:cdn\.|unpkg\.com|jsdelivr|googleapis\.com|gstatic\.com|cdnjs)/i;
    for (const rel of listFiles(outDir)) {
      const text = read(rel);
      if (rel.endsWith('.html')) {
        expect(remoteSource.exec(text)?.[0], rel).toBeUndefined();
        // every local script and stylesheet is there
        for (const m of text.matchAll(/<script\b[^>]*\ssrc="([^"]+)"|<link\b[^>]*\shref="([^"]+)"/g)) {
          expect(fs.existsSync(path.join(outDir, (m[1] ?? m[2])!)), `${rel} → ${m[1] ?? m[2]}`).toBe(true);
        }
      }
      expect(cdn.exec(text)?.[0], rel).toBeUndefined();
    }
    // the guard has teeth: the same checks catch what redoc's own HTML template would add
    expect(remoteSource.test('<script src="https://cdn.redoc.ly/redoc/latest/bundles/redoc.standalone.js"></script>')).toBe(true);
    expect(remoteSource.test('<link href="https://fonts.googleapis.com/css?family=Roboto" rel="stylesheet">')).toBe(true);
    expect(cdn.test(fs.readFileSync(path.join(REPO_ROOT, 'node_modules/redoc/bundles/redoc.standalone.js'), 'utf8'))).toBe(true);
  });

  test('every link between pages and every #anchor resolves; ids are unique on each page', () => {
    const idsOf = new Map(htmlFiles().map((f) => [f, [...read(f).matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!)]));
    for (const [file, ids] of idsOf) {
      if (!file.endsWith('.html') || read(file).includes('id="redoc"')) continue; // Redoc makes its own ids at run time
      expect(ids.length - new Set(ids).size, `duplicate ids in ${file}`).toBe(0);
    }
    let checked = 0;
    for (const file of htmlFiles()) {
      for (const m of read(file).matchAll(/<a href="([^"]+)"/g)) {
        const href = m[1]!.replace(/&amp;/g, '&');
        if (/^(https?:|mailto:)/.test(href)) continue;
        const [target, fragment] = href.startsWith('#') ? [file, href.slice(1)] : (href.split('#') as [string, string | undefined]);
        expect(fs.existsSync(path.join(outDir, target)), `${file} → ${href}`).toBe(true);
        if (fragment) expect(idsOf.get(target) ?? [], `${file} → ${href}`).toContain(fragment);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  test('each decisions page has every decision of its DECISIONS.md as an anchor D<n>', () => {
    for (const p of PROVIDERS) {
      const ids = decisionHeadingIds(fs.readFileSync(path.join(REPO_ROOT, 'specs', p.id, 'DECISIONS.md'), 'utf8'));
      expect(ids.size).toBeGreaterThan(10);
      const html = read(decisionsFile(p.id));
      for (const id of ids) expect(html).toMatch(new RegExp(`<h2 id="${id}">${id} `));
    }
  });

  test('the signing guide holds the signing part of CONVENTIONS.md and all of VECTORS.md, and nothing else of CONVENTIONS.md', () => {
    const html = read(SIGNING_FILE);
    for (const scheme of ['starship-hmac-v1', 'starship-hmac-concat', 'starship-webhook', 'istar-webhook', 'sirgiving-hmac', 'sirgiving-webhook', 'odm-ed25519', 'odm-callback']) expect(html).toContain(`<code>${scheme}</code>`);
    expect(html).toContain('>Canonical strings</');
    expect(html).toContain('>Signing test vectors</h2>');
    expect(html).toContain('>Reproducing with openssl</h3>');
    expect(html).not.toContain('>Lint (redocly.yaml');
    expect(html).not.toContain('>Extensions (vocabulary');
    // VECTORS.md's link to CONVENTIONS.md now points at this page
    expect(html).toContain('<a href="signing.html">CONVENTIONS.md</a>');
  });

  test('building twice gives the same bytes', async () => {
    const again = path.join(tmp, 'again');
    const result = await buildDocs({ outDir: again });
    expect(result.files).toEqual(listFiles(again));
    for (const rel of result.files) expect(fs.readFileSync(path.join(again, rel)).equals(fs.readFileSync(path.join(outDir, rel))), rel).toBe(true);
  });

  test('--out naming a file is a usage error: one line, exit 2', async () => {
    const file = path.join(tmp, 'not-a-folder');
    fs.writeFileSync(file, 'x');
    const run = await accord(['docs', '--out', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`accord: --out: ${file} exists and is not a folder\n`);
    expect(fs.readFileSync(file, 'utf8')).toBe('x');
  });
});

describe('markdown rendering', () => {
  test('raw HTML in the source is shown as text, never passed through', () => {
    const html = renderMarkdown('Format: t=<unix_ts>,v1=<hex_hmac>. <script>alert(1)</script>\n\n<div onclick="x()">block</div>\n');
    expect(html).toContain('t=&lt;unix_ts&gt;,v1=&lt;hex_hmac&gt;');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;div onclick=&quot;x()&quot;&gt;');
    expect(html).not.toMatch(/<(script|div|unix_ts)/);
  });

  test('images become their alt text; code keeps its characters', () => {
    const html = renderMarkdown('![a logo](https://example.com/logo.png)\n\n```json\n{"a": "<b>"}\n```\n\n`<x>` & co\n');
    expect(html).not.toContain('<img');
    expect(html).toContain('a logo');
    expect(html).toContain('{&quot;a&quot;: &quot;&lt;b&gt;&quot;}');
    expect(html).toContain('<code>&lt;x&gt;</code> &amp; co');
  });

  test('links: anchors and http(s) kept, mapped relative links rewritten, unknown or script links become text', () => {
    const links = { 'CONVENTIONS.md': 'signing.html' };
    expect(resolveLink('#D3', links)).toBe('#D3');
    expect(resolveLink('https://example.com/a?b=1', links)).toBe('https://example.com/a?b=1');
    expect(resolveLink('CONVENTIONS.md#canonical-strings', links)).toBe('signing.html#canonical-strings');
    expect(resolveLink('./CONVENTIONS.md', links)).toBe('signing.html');
    expect(resolveLink('../other/README.md', links)).toBeNull();
    expect(resolveLink('javascript:alert(1)', links)).toBeNull();
    const html = renderMarkdown('[c](CONVENTIONS.md) [gone](missing.md) [x](javascript:alert(1)) [w](https://example.com "T")\n', { links });
    expect(html).toContain('<a href="signing.html">c</a>');
    expect(html).toContain(' gone ');
    expect(html).not.toContain('missing.md');
    expect(html).not.toContain('javascript:');
    expect(html).toContain('<a href="https://example.com" title="T" rel="noopener noreferrer">w</a>');
  });

  test('decision headings get their id, table cells naming one link to it, headings can be shifted', () => {
    const src = '# Title\n\n| id | topic |\n| --- | --- |\n| D1 | one |\n| D9 | no heading |\n\n## D1 — One `thing`\n\ntext\n\n## Other heading\n';
    const html = renderMarkdown(src, { shiftHeadings: 1 });
    expect(html).toContain('<h2 id="title">Title</h2>');
    expect(html).toContain('<h3 id="D1">D1 — One <code>thing</code></h3>');
    expect(html).toContain('<h3 id="other-heading">Other heading</h3>');
    expect(html).toContain('<td><a href="#D1">D1</a></td>');
    expect(html).toContain('<td>D9</td>');
    expect([...decisionHeadingIds(src)]).toEqual(['D1']);
  });

  test('output is deterministic (no randomly mangled e-mail addresses)', () => {
    const src = 'Write to ops@example.com or <ops@example.com>.\n';
    expect(renderMarkdown(src)).toBe(renderMarkdown(src));
    expect(renderMarkdown(src)).toContain('ops@example.com');
  });

  test('markdownSection takes a heading up to the next one of its level, ignoring # lines in code fences', () => {
    const src = '# Doc\n\n## A\na\n\n## B part\nb\n```sh\n# not a heading\n## nor this\n```\n### B.1\nb1\n## C\nc\n';
    expect(markdownSection(src, 'B')).toBe('## B part\nb\n```sh\n# not a heading\n## nor this\n```\n### B.1\nb1\n');
    expect(markdownSection(src, 'C')).toBe('## C\nc\n');
    expect(() => markdownSection(src, 'Nope')).toThrow(/no heading starting with "Nope"/);
  });
});

describe("redoc's bundle, made offline", () => {
  const bundle = fs.readFileSync(path.join(REPO_ROOT, 'node_modules/redoc/bundles/redoc.standalone.js'), 'utf8');

  test('the one remote image (the footer logo) is replaced; the source-map comment dropped; the rest untouched', () => {
    const out = offlineRedocBundle(bundle);
    const mapComment = /\n\/\/# sourceMappingURL=redoc\.standalone\.js\.map\s*$/;
    // (booleans, not toContain: a failure must not print a 900 kB bundle)
    expect(bundle.includes(REDOC_REMOTE_LOGO)).toBe(true);
    expect(out.includes(REDOC_REMOTE_LOGO)).toBe(false);
    expect(out.includes('src:"data:,"')).toBe(true);
    expect(mapComment.test(bundle)).toBe(true);
    expect(mapComment.test(out)).toBe(false);
    expect(out.length).toBeGreaterThan(bundle.length - 200);
    expect(read('assets/redoc.standalone.js') === out).toBe(true);
  });

  test('a bundle that no longer looks as expected fails the build instead of shipping a remote load', () => {
    expect(() => offlineRedocBundle(bundle.replace(REDOC_REMOTE_LOGO, 'x'))).toThrow(/expected the remote footer logo once, found it 0 times/);
    expect(() => offlineRedocBundle(`${bundle}\n;e.createElement("img",{src:"https://cdn.example/x.png"})`)).toThrow(/another remote resource/);
    expect(() => offlineRedocBundle(`${bundle}\n;const css="background:url(//cdn.example/bg.png)"`)).toThrow(/another remote resource/);
    expect(() => offlineRedocBundle(`${bundle}\n;const css='@import "https://fonts.example/f.css"'`)).toThrow(/another remote resource/);
  });
});

describe('accord docs in headless Chromium, offline', () => {
  let server: http.Server;
  let origin: string;
  let context: BrowserContext;
  /** Every request the pages tried to make outside localhost (each was aborted). */
  const blocked: string[] = [];
  const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.txt': 'text/plain; charset=utf-8' };

  beforeAll(async () => {
    if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run \`make chromium\` (make test does it first)`);
    server = http.createServer((req, res) => {
      const rel = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname).replace(/^\/+/, '') || 'index.html';
      const file = path.resolve(outDir, rel);
      if (!file.startsWith(outDir + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
      fs.createReadStream(file).pipe(res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS, viewport: VIEWPORT, timeout: 60_000 });
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.protocol === 'http:' && (url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]')) return route.continue();
      if (url.protocol === 'file:' && decodeURIComponent(url.pathname).startsWith(outDir + path.sep)) return route.continue();
      blocked.push(url.href);
      return route.abort('blockedbyclient');
    });
    fs.mkdirSync(path.join(outDir, 'screenshots'), { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  /** Opens a page, waits until it has rendered, and fails on any script error or outside request. */
  async function open(file: string, ready: string): Promise<{ page: Page; errors: string[] }> {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    const before = blocked.length;
    await page.goto(`${origin}/${file}`, { waitUntil: 'load' });
    await page.waitForSelector(ready, { timeout: 60_000 });
    await page.evaluate(() => document.fonts.ready.then(() => undefined));
    await page.waitForLoadState('networkidle'); // a late image or fetch would be recorded by now
    expect(blocked.slice(before), `${file} tried to reach outside localhost`).toEqual([]);
    return { page, errors };
  }

  test('the request guard works: an outside request from a page is aborted and recorded', async () => {
    const { page } = await open('index.html', 'main.doc h1');
    const before = blocked.length;
    const outcome = await page.evaluate((url) => fetch(url).then(() => 'loaded', () => 'failed'), REDOC_REMOTE_LOGO);
    expect(outcome).toBe('failed');
    expect(blocked.slice(before)).toEqual([REDOC_REMOTE_LOGO]);
    blocked.splice(before);
    await page.close();
  });

  for (const provider of PROVIDERS) {
    test(`${provider.title}: every operation and webhook renders (summary visible under its operationId)`, async () => {
      const doc = await bundleSpec(provider.specPath);
      const operations = operationsOf(doc.paths);
      const webhooks = operationsOf(doc.webhooks);
      expect(operations.length).toBeGreaterThan(0);
      expect(webhooks.length).toBeGreaterThan(0);

      const { page, errors } = await open(referenceFile(provider.id), '#redoc[data-state="ready"], #redoc[data-state="error"]');
      expect(await page.getAttribute('#redoc', 'data-state')).toBe('ready');
      await expect(page.locator('#redoc h1').first().textContent()).resolves.toContain(doc.info.title);

      for (const op of [...operations, ...webhooks]) {
        const heading = page.locator(`[id="operation/${op.operationId}"] h2`).first();
        expect(await heading.isVisible(), `${provider.id} ${op.operationId}`).toBe(true);
        expect(await heading.textContent(), `${provider.id} ${op.operationId}`).toContain(op.summary!);
      }
      for (const op of operations) {
        const verbAndPath = (await page.locator(`[id="operation/${op.operationId}"] button`).first().textContent()) ?? '';
        expect(verbAndPath.toLowerCase(), `${provider.id} ${op.operationId}`).toContain(op.method);
        expect(verbAndPath, `${provider.id} ${op.operationId}`).toContain(op.key);
      }
      for (const wh of webhooks) {
        const badge = (await page.locator(`[id="operation/${wh.operationId}"] h2`).first().textContent()) ?? '';
        expect(badge, `${provider.id} webhook ${wh.operationId}`).toMatch(/Webhook/);
      }
      // the sidebar lists every operation and webhook by its summary
      const menu = (await page.locator('.menu-content').first().textContent()) ?? '';
      for (const op of [...operations, ...webhooks]) expect(menu, `${provider.id} menu: ${op.summary}`).toContain(op.summary!);
      expect(errors).toEqual([]);

      const shot = path.join(outDir, 'screenshots', `${provider.id}.png`);
      await page.screenshot({ path: shot });
      expect(pngSize(shot)).toEqual(VIEWPORT);

      if (provider.id === 'starship') {
        // the README's picture: an operation with its request sample, as a reader scrolls to it
        await page.locator('[id="operation/createOrder"] h2').first().scrollIntoViewIfNeeded();
        await page.evaluate(() => {
          const h = document.querySelector('[id="operation/createOrder"]');
          if (h) window.scrollTo(0, h.getBoundingClientRect().top + window.scrollY - 44);
        });
        await page.waitForTimeout(300);
        const detail = path.join(outDir, 'screenshots', 'starship-createOrder.png');
        await page.screenshot({ path: detail });
        expect(pngSize(detail)).toEqual(VIEWPORT);
        const bytes = fs.readFileSync(detail);
        if (!fs.existsSync(README_SCREENSHOT) || !fs.readFileSync(README_SCREENSHOT).equals(bytes)) {
          fs.mkdirSync(path.dirname(README_SCREENSHOT), { recursive: true });
          fs.writeFileSync(README_SCREENSHOT, bytes);
        }
      }
      await page.close();
    }, 120_000);
  }

  for (const provider of PROVIDERS) {
    test(`${provider.title}: the decisions page renders every decision`, async () => {
      const ids = decisionHeadingIds(fs.readFileSync(path.join(REPO_ROOT, 'specs', provider.id, 'DECISIONS.md'), 'utf8'));
      const { page, errors } = await open(decisionsFile(provider.id), 'main.doc h1');
      for (const id of ids) {
        const h = page.locator(`h2[id="${id}"]`);
        expect(await h.isVisible(), `${provider.id} ${id}`).toBe(true);
        expect(await h.textContent()).toMatch(new RegExp(`^${id} — \\S`));
      }
      // the table's D<n> cells jump to their section, below the fixed bar
      const last = [...ids].at(-1)!;
      await page.locator(`td a[href="#${last}"]`).first().click();
      await page.waitForFunction((id) => location.hash === `#${id}`, last);
      const top = await page.locator(`h2[id="${last}"]`).evaluate((el) => el.getBoundingClientRect().top);
      const bar = await page.locator('nav.accord-bar').evaluate((el) => el.getBoundingClientRect().bottom);
      expect(top).toBeGreaterThanOrEqual(bar);
      expect(errors).toEqual([]);
      await page.screenshot({ path: path.join(outDir, 'screenshots', `${provider.id}-decisions.png`) });
      await page.close();
    }, 60_000);
  }

  test('the index and the signing guide render, and the index navigates to each reference', async () => {
    const { page, errors } = await open('index.html', 'main.doc h1');
    expect(await page.locator('h1').textContent()).toBe('accord API docs');
    for (const p of PROVIDERS) expect(await page.locator(`table.providers a[href="${referenceFile(p.id)}"]`).isVisible()).toBe(true);
    await page.screenshot({ path: path.join(outDir, 'screenshots', 'index.png') });
    await page.locator(`table.providers a[href="${referenceFile('istar')}"]`).click();
    await page.waitForSelector('#redoc[data-state="ready"]');
    expect(page.url()).toBe(`${origin}/${referenceFile('istar')}`);
    expect(errors).toEqual([]);
    await page.close();

    const signing = await open(SIGNING_FILE, 'main.doc h1');
    expect(await signing.page.locator('h1').textContent()).toBe('Signing guide');
    for (const id of ['by-provider', 'schemes', 'vectors']) expect(await signing.page.locator(`[id="${id}"]`).isVisible()).toBe(true);
    expect(await signing.page.locator('pre code').count()).toBeGreaterThan(3);
    expect(signing.errors).toEqual([]);
    await signing.page.screenshot({ path: path.join(outDir, 'screenshots', 'signing.png') });
    await signing.page.close();
  }, 60_000);

  test('a reference page also renders opened straight from disk (file://), with no server at all', async () => {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`file://${path.join(outDir, referenceFile('odm'))}`);
    await page.waitForSelector('#redoc[data-state="ready"]', { timeout: 60_000 });
    expect(await page.locator('[id="operation/createClaim"] h2').first().isVisible()).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  test('a screenshot of every page is in the docs output, and one is in docs/screenshot.png', () => {
    const shots = listFiles(path.join(outDir, 'screenshots'));
    const pages = ['index', 'signing', ...PROVIDERS.flatMap((p) => [p.id, `${p.id}-decisions`])];
    for (const name of pages) {
      expect(shots).toContain(`${name}.png`);
      expect(pngSize(path.join(outDir, 'screenshots', `${name}.png`))).toEqual(VIEWPORT);
    }
    expect(fs.readFileSync(README_SCREENSHOT).equals(fs.readFileSync(path.join(outDir, 'screenshots', 'starship-createOrder.png')))).toBe(true);
    expect(blocked).toEqual([]);
  });
});
