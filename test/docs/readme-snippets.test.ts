// The README's Quick start as a new user runs it: each TypeScript snippet saved at the repository
// root and run with `npx tsx` against running sandboxes, and the `sign` example run in a clean
// folder, printing exactly what the README shows and leaving no file behind.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getProvider, REPO_ROOT } from '../../contracts/providers.ts';
import { serveSandboxes } from '../../sandbox/serve.ts';
import { freePort } from '../postman/newman.ts';

const README = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
const blocks = (lang: string) => [...README.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-readme-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Runs a command asynchronously: the sandboxes answer from this process's event loop. */
function run(cmd: string, args: string[], opts: { cwd: string; input?: string; env?: Record<string, string> }): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(cmd, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, timeout: 90_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? -1) : 0, stdout, stderr }),
    );
    if (opts.input !== undefined) child.stdin!.end(opts.input);
  });
}

describe('README TypeScript snippets run with npx tsx', () => {
  const runnable = blocks('ts').filter((b) => b.includes('.accord/sandbox/credentials.json'));
  const credentialsFile = path.join(tmp, 'credentials.json');
  const stops: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    const merged = { format: 'accord-sandbox-credentials/1', providers: {} as Record<string, unknown> };
    for (const id of ['istar', 'sirgiving', 'odm'] as const) {
      const provider = getProvider(id);
      const port = await freePort();
      const own = path.join(tmp, `${id}.json`);
      const running = await serveSandboxes([provider], { portBase: port - provider.portOffset, credentialsFile: own });
      stops.push(running.stop);
      Object.assign(merged.providers, JSON.parse(fs.readFileSync(own, 'utf8')).providers);
    }
    fs.writeFileSync(credentialsFile, JSON.stringify(merged));
  }, 120_000);
  afterAll(async () => {
    for (const stop of stops) await stop();
  });

  it('says how to run them, and there is one per provider but Starship', () => {
    expect(README).toMatch(/run it with `npx tsx [\w-]+\.ts`/);
    expect(README).toContain('`node try-odm.ts` fails');
    expect(runnable.map((b) => /generated\/(\w+)\//.exec(b)?.[1])).toEqual(['odm', 'istar', 'sirgiving']);
  });

  it.each([
    { provider: 'odm', want: /vch_\w+/ },
    { provider: 'istar', want: /balance/ },
    { provider: 'sirgiving', want: /COMPLETED/ },
  ])('$provider: saved at the repository root, `npx tsx` runs it and the sandbox accepts the call', async ({ provider, want }) => {
    const snippet = runnable.find((b) => b.includes(`generated/${provider}/`))!;
    const file = path.join(REPO_ROOT, `.readme-snippet-${process.pid}-${provider}.ts`);
    fs.writeFileSync(file, snippet.replace('.accord/sandbox/credentials.json', credentialsFile));
    try {
      const r = await run(process.execPath, [path.join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), file], { cwd: REPO_ROOT });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(want);
      expect(r.stdout).not.toMatch(/\bcode: '[A-Z_]+'/); // an error body printed instead of data
    } finally {
      fs.rmSync(file, { force: true });
    }
  }, 120_000);
});

describe('README sign example', () => {
  it('prints exactly the JSON the README shows (intermediates included) and leaves no file behind', async () => {
    const shell = blocks('sh').find((b) => b.includes('accord sign'))!;
    const shown = blocks('json').find((b) => b.includes('"intermediates"'))!;
    const cwd = fs.mkdtempSync(path.join(tmp, 'sign-'));
    const r = await run('bash', ['-c', shell.replaceAll('npx accord', `node ${path.join(REPO_ROOT, 'bin', 'accord.mjs')}`)], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(shown));
    expect(Object.keys(JSON.parse(r.stdout))).toEqual(['canonical', 'signature', 'headers', 'intermediates']);
    expect(fs.readdirSync(cwd)).toEqual([]);
  }, 60_000);
});
