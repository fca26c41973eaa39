// `accord diff` as a user and a CI job run it: against a temporary git repository holding a copy of
// the real (split) Starship spec, with a first commit and a second one that breaks clients.
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseDocument } from 'yaml';
import { main } from '../../cli/main.ts';
import { REPO_ROOT } from '../../contracts/providers.ts';

const made: string[] = [];
afterAll(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const git = (repo: string, ...args: string[]) => execFileSync('git', ['-C', repo, '-c', 'user.name=accord test', '-c', 'user.email=test@accord.invalid', '-c', 'commit.gpgsign=false', ...args], { encoding: 'utf8' });

/** A fresh repository whose first commit holds specs/starship/ exactly as in this work tree. */
function starshipRepo(): string {
  const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-diff-repo-'));
  made.push(repo);
  git(repo, 'init', '-q', '-b', 'main');
  fs.cpSync(path.join(REPO_ROOT, 'specs', 'starship'), path.join(repo, 'specs', 'starship'), { recursive: true });
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'starship contract');
  return repo;
}

/** Edits a YAML file of the spec in place, keeping its comments and layout. */
function editYaml(repo: string, rel: string, edit: (doc: ReturnType<typeof parseDocument>) => void): void {
  const file = path.join(repo, 'specs', 'starship', rel);
  const doc = parseDocument(fs.readFileSync(file, 'utf8'));
  edit(doc);
  fs.writeFileSync(file, doc.toString({ lineWidth: 0 }));
}

/** GET /wallet removed and a new required request field on POST /orders. */
function breakClients(repo: string): void {
  editYaml(repo, 'openapi.yaml', (d) => d.deleteIn(['paths', '/wallet']));
  editYaml(repo, 'components/schemas.yaml', (d) => {
    d.addIn(['CreateOrderRequest', 'required'], 'note');
    d.setIn(['CreateOrderRequest', 'properties', 'note'], d.createNode({ type: 'string', description: 'A note for the order.' }));
  });
}

const addOptionalField = (repo: string) => editYaml(repo, 'components/schemas.yaml', (d) => d.setIn(['CreateOrderRequest', 'properties', 'gift_message'], d.createNode({ type: 'string', description: 'Printed on the voucher.' })));
const addStatus = (repo: string) => editYaml(repo, 'components/schemas.yaml', (d) => d.addIn(['OrderStatus', 'enum'], 'ON_HOLD'));

/** The CLI in this process (fast), output captured. */
async function accord(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  process.exitCode = undefined;
  try {
    const code = await main(['node', 'accord', ...args]);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = undefined;
  }
}

/** A real process, as a shell or CI runs it. */
function run(cmd: string, args: string[], opts: { cwd: string; env?: Record<string, string> }): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd: opts.cwd, env: { ...process.env, GITHUB_STEP_SUMMARY: '', ACCORD_DIFF_BASE: '', ACCORD_ALLOW_BREAKING: '', ...opts.env }, timeout: 120_000 }, (e, stdout, stderr) =>
      resolve({ code: e ? Number((e as { code?: number }).code ?? -1) : 0, stdout, stderr }),
    );
  });
}

describe('accord diff against a git repository with two commits', { timeout: 120_000 }, () => {
  let repo: string;
  beforeAll(() => {
    repo = starshipRepo();
    breakClients(repo);
    git(repo, 'commit', '-q', '-am', 'drop GET /wallet, require a note');
  });

  it('lists the breaking changes and exits 1 (human table)', async () => {
    const r = await accord('diff', 'starship', '--base', 'HEAD~1', '--repo', repo);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^accord diff starship: HEAD~1 \([0-9a-f]{7}\) → working tree$/m);
    expect(r.stdout).toMatch(/^LEVEL +RULE +OPERATIONS +WHERE +CHANGE$/m);
    expect(r.stdout).toMatch(/^BREAKING +operation-removed +GET \/wallet +operation +operation GET \/wallet \(getWallet\) removed$/m);
    expect(r.stdout).toMatch(/^BREAKING +property-added +POST \/orders +schema CreateOrderRequest › note +new required request field note$/m);
    expect(r.stdout).toContain('2 breaking, 0 risky, 0 non-breaking');
    expect(r.stdout).toMatch(/^BREAKING: 2 changes break clients built against HEAD~1$/m);
  });

  it('--format json: the same changes, machine-readable', async () => {
    const r = await accord('diff', 'starship', '--base', 'HEAD~1', '--repo', repo, '--format', 'json');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ format: 'accord-diff/1', provider: 'starship', base: { ref: 'HEAD~1' }, head: { ref: 'working tree' }, breaking: true, summary: { breaking: 2, risky: 0, 'non-breaking': 0 } });
    expect(report.base.commit).toBe(git(repo, 'rev-parse', 'HEAD~1').trim());
    expect(report.changes.map((c: any) => [c.level, c.rule, c.operations, c.where])).toEqual([
      ['breaking', 'operation-removed', ['GET /wallet'], 'operation'],
      ['breaking', 'property-added', ['POST /orders'], 'schema CreateOrderRequest › note'],
    ]);
    expect(report.changes[1].pointer).toBe('#/components/schemas/CreateOrderRequest/properties/note');
  });

  it('--format markdown: a table for the pull request', async () => {
    const r = await accord('diff', 'starship', '--base', 'HEAD~1', '--repo', repo, '--format', 'markdown');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('### accord diff `starship`: HEAD~1 (');
    expect(r.stdout).toContain('| level | rule | operations | where | change |');
    expect(r.stdout).toContain('| 🔴 breaking | `operation-removed` | GET /wallet | operation | operation GET /wallet (getWallet) removed |');
  });

  it('--head compares two refs; the same ref twice finds nothing; the way back breaks differently', async () => {
    const same = await accord('diff', 'starship', '--base', 'HEAD~1', '--head', 'HEAD~1', '--repo', repo);
    expect([same.code, same.stdout.trim().split('\n').at(-1)]).toEqual([0, 'no change']);
    // Reverting: GET /wallet comes back (non-breaking), but dropping `note` from a closed request
    // object (additionalProperties: false) rejects the clients that now send it.
    const back = await accord('diff', 'starship', '--base', 'HEAD', '--head', 'HEAD~1', '--repo', repo, '--format', 'json');
    expect(back.code).toBe(1);
    expect(JSON.parse(back.stdout).changes.map((c: any) => [c.level, c.rule, c.where])).toEqual([
      ['breaking', 'property-removed', 'schema CreateOrderRequest › note'],
      ['non-breaking', 'operation-added', 'operation'],
    ]);
  });

  it('runs from inside the repository as a shell does (real process, cwd = the repository)', async () => {
    const r = await run(process.execPath, [path.join(REPO_ROOT, 'bin', 'accord.mjs'), 'diff', 'starship', '--base', 'HEAD~1'], { cwd: path.join(repo, 'specs') });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('operation GET /wallet (getWallet) removed');
  });
});

describe('accord diff on an uncommitted working tree', { timeout: 120_000 }, () => {
  let repo: string;
  beforeAll(() => {
    repo = starshipRepo();
  });

  it('an optional request field is non-breaking: exit 0', async () => {
    addOptionalField(repo);
    const r = await accord('diff', 'starship', '--base', 'HEAD', '--repo', repo, '--format', 'json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).changes.map((c: any) => [c.level, c.rule, c.where])).toEqual([['non-breaking', 'property-added', 'schema CreateOrderRequest › gift_message']]);
  });

  it('a new response enum value is risky: exit 0, or 1 with --fail-on risky', async () => {
    addStatus(repo);
    const r = await accord('diff', 'starship', '--base', 'HEAD', '--repo', repo, '--format', 'json');
    expect(r.code).toBe(0);
    const risky = JSON.parse(r.stdout).changes.filter((c: any) => c.level === 'risky');
    expect(risky).toHaveLength(1);
    expect(risky[0]).toMatchObject({ rule: 'enum-changed', where: 'schema OrderStatus', message: 'new value "ON_HOLD": strict clients reject unknown values' });
    expect(risky[0].operations).toEqual(expect.arrayContaining(['GET /orders/{order_id}', 'POST /orders', 'webhook order.delivered']));
    expect((await accord('diff', 'starship', '--base', 'HEAD', '--repo', repo, '--fail-on', 'risky')).code).toBe(1);
    expect((await accord('diff', 'starship', '--base', 'HEAD', '--repo', repo, '--fail-on', 'never')).code).toBe(0);
  });
});

describe('accord diff usage errors: exit 2, one line', () => {
  let repo: string;
  beforeAll(() => {
    repo = starshipRepo();
  });
  const notRepo = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-diff-norepo-'));
  made.push(notRepo);

  it.each([
    { given: 'an unknown ref', args: () => ['starship', '--base', 'no-such-branch', '--repo', repo], want: /^accord: unknown git ref "no-such-branch" in / },
    { given: 'a ref that looks like an option', args: () => ['starship', '--base=--output=x', '--repo', repo], want: /^accord: unknown git ref "--output=x"$/ },
    { given: 'no --base', args: () => ['starship', '--repo', repo], want: /^accord: --base <git-ref> is required/ },
    { given: 'no provider', args: () => ['--base', 'HEAD'], want: /^accord: name the provider/ },
    { given: 'an unknown provider', args: () => ['acme', '--base', 'HEAD', '--repo', repo], want: /^accord: unknown provider "acme"/ },
    { given: 'an unknown format', args: () => ['starship', '--base', 'HEAD', '--repo', repo, '--format', 'html'], want: /^accord: --format must be human, json or markdown, got "html"$/ },
    { given: 'an unknown --fail-on', args: () => ['starship', '--base', 'HEAD', '--repo', repo, '--fail-on', 'all'], want: /^accord: --fail-on must be breaking, risky or never/ },
    { given: 'a provider without a spec at the ref', args: () => ['istar', '--base', 'HEAD', '--repo', repo], want: /^accord: specs\/istar\/openapi\.yaml does not exist at HEAD$/ },
    { given: 'a folder that is not a git repository', args: () => ['starship', '--base', 'HEAD', '--repo', notRepo], want: /^accord: not a git repository: / },
  ])('$given', async ({ args, want }) => {
    const r = await accord('diff', ...args());
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr.trimEnd()).toMatch(want);
  });

  it.each([
    { side: 'head (the working tree)', args: ['--base', 'HEAD'], want: /^accord: specs\/starship\/openapi\.yaml at the working tree is not valid OpenAPI 3\.1 \(\/info must NOT have unevaluated properties "reworded; renamed"\): fix it/ },
    { side: 'base (a commit)', args: ['--base', 'HEAD', '--head', 'HEAD~1'], want: /^accord: specs\/starship\/openapi\.yaml at HEAD is not valid OpenAPI 3\.1 / },
  ])('refuses an invalid $side with one line, exit 2', async ({ args, want }) => {
    const broken = starshipRepo();
    const file = path.join(broken, 'specs', 'starship', 'openapi.yaml');
    // A comma inside a flow mapping: YAML reads a junk key under info.
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/^info:\n/m, 'info: { x-note: Head, reworded; renamed }\ninfo-was:\n').replace(/^info-was:\n[\s\S]*?(?=^\S)/m, ''));
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('info: { x-note: Head, reworded; renamed }', "info: { title: T, version: '1', description: Head, reworded; renamed }"));
    if (args.includes('--head')) git(broken, 'commit', '-q', '-am', 'broken info');
    const r = await accord('diff', 'starship', ...args, '--repo', broken);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr.trimEnd()).toMatch(want);
  });

  it('--rules lists every rule', async () => {
    const r = await accord('diff', '--rules');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^operation-removed +an operation was removed \(breaking\)$/m);
    expect(r.stdout.trim().split('\n').length).toBeGreaterThanOrEqual(30);
  });
});

describe('CI job on a pull request: .ci/diff-pr.sh', { timeout: 180_000 }, () => {
  const script = path.join(REPO_ROOT, '.ci', 'diff-pr.sh');

  it('fails the pull request whose last commit breaks clients (base HEAD~1), with a Markdown report', async () => {
    const repo = starshipRepo();
    breakClients(repo);
    git(repo, 'commit', '-q', '-am', 'PR: drop GET /wallet, require a note');
    const out = path.join(repo, '.accord', 'pr.md');
    const r = await run('bash', [script], { cwd: repo, env: { ACCORD_DIFF_REPO: repo, ACCORD_DIFF_OUT: out } });
    expect(r.code).toBe(1);
    const md = fs.readFileSync(out, 'utf8');
    expect(r.stdout).toBe(md);
    expect(md).toMatch(/^## Contract changes since `HEAD~1` \([0-9a-f]{7}\)$/m);
    expect(md).toContain('### accord diff `starship`');
    expect(md).toContain('| 🔴 breaking | `property-added` | POST /orders | schema CreateOrderRequest › note | new required request field note |');
    expect(md).toContain('**1 contract(s) with breaking changes: bump the API version or label the pull request as breaking.**');

    const allowed = await run('bash', [script, 'HEAD~1'], { cwd: repo, env: { ACCORD_DIFF_REPO: repo, ACCORD_DIFF_OUT: out, ACCORD_ALLOW_BREAKING: '1' } });
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toContain('breaking changes — allowed (ACCORD_ALLOW_BREAKING=1)');
  });

  it('passes the pull request that only adds an optional field, and skips unchanged contracts', async () => {
    const repo = starshipRepo();
    fs.cpSync(path.join(REPO_ROOT, 'specs', 'istar'), path.join(repo, 'specs', 'istar'), { recursive: true });
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'istar contract');
    addOptionalField(repo);
    git(repo, 'commit', '-q', '-am', 'PR: optional gift message');
    const summary = path.join(repo, 'summary.md');
    fs.writeFileSync(summary, '');
    const r = await run('bash', [script, 'HEAD~1'], { cwd: repo, env: { ACCORD_DIFF_REPO: repo, ACCORD_DIFF_OUT: path.join(repo, '.accord', 'pr.md'), GITHUB_STEP_SUMMARY: summary } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('- `istar`: unchanged');
    expect(r.stdout).toContain('| 🟢 non-breaking | `property-added` | POST /orders | schema CreateOrderRequest › gift_message | new optional request field gift_message |');
    expect(r.stdout).toContain('**No breaking change in 1 changed contract(s).**');
    expect(fs.readFileSync(summary, 'utf8')).toBe(r.stdout);
  });

  it('exits 2 on an unknown base ref', async () => {
    const repo = starshipRepo();
    const r = await run('bash', [script, 'origin/nowhere'], { cwd: repo, env: { ACCORD_DIFF_REPO: repo, ACCORD_DIFF_OUT: path.join(repo, 'x.md') } });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('diff-pr: unknown base ref "origin/nowhere"');
  });
});
