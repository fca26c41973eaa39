// Verdicts a team can trust: the pre-flight stops a run that cannot judge anything (one line, the
// cause), no check passes on an answer that says nothing about it (inconclusive instead), a valid
// credential refused fails, and the harness paces itself below the documented rate limits.
// Real servers at documented limits; each rule shown failing on a broken target, passing on a correct one.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { getProvider, REPO_ROOT, type ProviderId } from '../../contracts/providers.ts';
import { CHECKS } from '../../harness/catalogue.ts';
import { listenFetch, serveSandbox, credentialsFileFor, type SandboxEnv, type ServedSandbox } from '../../harness/dredd/serve.ts';
import { CONTROL_TOKEN_HEADER, createHarnessHttp } from '../../harness/http.ts';
import { preflight, PreflightError } from '../../harness/preflight.ts';
import { runChecks, runFailed, type RunReport } from '../../harness/run.ts';
import { buildTarget, TargetError } from '../../harness/target.ts';
import { operationById } from '../../runtime/contract.ts';
import { SANDBOXES } from '../../sandbox/registry.ts';

type Wrap = (send: typeof fetch, env: SandboxEnv) => typeof fetch;

const servers: ServedSandbox[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
});
async function serve(id: ProviderId, wrap?: Wrap): Promise<ServedSandbox> {
  const s = await serveSandbox(id, wrap ? { wrap } : {});
  servers.push(s);
  return s;
}

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** The path of a wrapped fetch's input, without touching its body. */
const pathOf = (input: RequestInfo | URL) => new URL(input instanceof Request ? input.url : String(input)).pathname;
const mangleKey = (req: Request): Request => {
  const headers = new Headers(req.headers);
  headers.set('X-API-Key', `${headers.get('X-API-Key')}x`);
  return new Request(req, { headers });
};
/** Refuses every valid credential: the API key is altered on the way in, so the sandbox answers its own 401. */
const refuseEveryCredential: Wrap = (send) => async (input, init) => {
  const req = new Request(input, init);
  return send(new URL(req.url).pathname.startsWith('/_accord') || !req.headers.has('X-API-Key') ? req : mangleKey(req));
};
/** Rate limits every API call (429, Retry-After: 1), whatever the count. */
const alwaysRateLimited: Wrap = (send) => async (input, init) =>
  pathOf(input).startsWith('/_accord') ? send(input, init) : Response.json({ error: { code: 'RATE_LIMITED', message: 'slow down' } }, { status: 429, headers: { 'Retry-After': '1' } });
/** Refuses correctly signed requests whose query parameters are not in sorted order (a canonicalisation bug). */
const refuseUnsortedQuery: Wrap = (send) => async (input, init) => {
  const req = new Request(input, init);
  const keys = [...new URL(req.url).searchParams.keys()];
  const sorted = keys.every((k, i) => i === 0 || keys[i - 1]! <= k);
  return send(sorted || !req.headers.has('X-API-Key') ? req : mangleKey(req));
};

const checks = (...ids: string[]) => CHECKS.filter((c) => ids.includes(c.id));
const outcomes = (report: RunReport, check: string) => [...new Set(report.findings.filter((f) => f.check === check).map((f) => f.outcome))].sort();

async function starshipTarget(served: ServedSandbox, overrides: { baseUrl?: string } = {}) {
  return buildTarget(getProvider('starship'), overrides.baseUrl ?? served.baseUrl, { credentials: served.credentials, controlUrl: served.controlUrl });
}

describe('pre-flight', () => {
  it.each([
    { given: 'a correct sandbox', target: async (s: ServedSandbox) => starshipTarget(s), want: undefined },
    { given: 'nothing listening', target: async (s: ServedSandbox) => buildTarget(getProvider('starship'), `http://127.0.0.1:${await closedPort()}/api/v1`, { credentials: s.credentials }), want: /^cannot reach .*ECONNREFUSED/ },
    {
      given: 'a refused default credential',
      target: async (s: ServedSandbox) => {
        const credentials = structuredClone(s.credentials);
        credentials.default!.credentials.apiKey += 'x';
        return buildTarget(getProvider('starship'), s.baseUrl, { credentials, controlUrl: s.controlUrl });
      },
      want: /^the default credential was refused \(GET .* answered 401/,
    },
    { given: 'a base URL without the base path', target: async (s: ServedSandbox) => starshipTarget(s, { baseUrl: new URL(s.baseUrl).origin }), want: /every read answered 404.*\/api\/v1/ },
  ])('$given', async ({ target, want }) => {
    const served = await serve('starship');
    const t = await target(served);
    const run = preflight(t, createHarnessHttp(t.contract, t.baseUrl, t.credentials, { ...(t.controlUrl ? { controlUrl: t.controlUrl } : {}) }));
    if (want) await expect(run).rejects.toThrow(want);
    else await expect(run).resolves.toMatchObject({ status: 200 });
  });

  it('refuses a base URL that is not http(s)', async () => {
    await expect(buildTarget(getProvider('starship'), 'ftp://127.0.0.1/api/v1', { credentials: {} })).rejects.toThrow(TargetError);
  });

  it.each([
    { given: 'nothing listening', edit: async (file: any) => void (file.providers.starship.baseUrl = `http://127.0.0.1:${await closedPort()}/api/v1`), want: /^accord: cannot reach/ },
    { given: 'a refused default credential', edit: async (file: any) => void (file.providers.starship.credentials.default.credentials.apiKey += 'x'), want: /^accord: the default credential was refused/ },
  ])('the CLI: $given → exit 2 and one line (base URL from the credentials file)', async ({ edit, want }) => {
    const served = await serve('starship');
    const file = structuredClone(credentialsFileFor([served])) as any;
    await edit(file);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-preflight-'));
    fs.writeFileSync(path.join(dir, 'credentials.json'), JSON.stringify(file));
    // Asynchronously: the sandbox the CLI calls answers from this process.
    const r = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) =>
      execFile(process.execPath, [path.join(REPO_ROOT, 'bin/accord.mjs'), 'check', 'starship', '--credentials', path.join(dir, 'credentials.json')], { encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) =>
        resolve({ status: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr }),
      ),
    );
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(want);
  }, 60_000);
});

describe('no vacuous verdicts', () => {
  it.each([
    { given: 'a correct sandbox', wrap: undefined, check: 'status_code_documented', want: ['pass'] },
    { given: 'a server refusing every valid credential (401)', wrap: refuseEveryCredential, check: 'status_code_documented', want: ['fail'] },
    { given: 'a correct sandbox', wrap: undefined, check: 'response_schema', want: ['pass'] },
    { given: 'a server refusing every valid credential (401)', wrap: refuseEveryCredential, check: 'response_schema', want: ['fail'] },
    { given: 'a correct sandbox', wrap: undefined, check: 'fuzz', want: ['pass'] },
    { given: 'a server refusing signed requests whose query is not sorted', wrap: refuseUnsortedQuery, check: 'fuzz', want: ['fail', 'pass'] },
  ])('$check, $given: $want', async ({ wrap, check, want }) => {
    const served = await serve('starship', wrap);
    const report = await runChecks(await starshipTarget(served), checks(check), { maxExamples: 5 });
    expect(outcomes(report, check)).toEqual(want);
    if (want.includes('fail')) expect(report.findings.find((f) => f.outcome === 'fail')!.reason).toMatch(/valid, correctly signed request was refused \(401/);
  }, 60_000);

  it.each([
    { given: 'a correct sandbox', target: async () => starshipTarget(await serve('starship')), want: { judged: true } },
    { given: 'a server answering 429 to everything', target: async () => starshipTarget(await serve('starship', alwaysRateLimited)), want: { judged: false, reason: /rate limited \(429\)/ } },
    { given: 'nothing listening', target: async () => buildTarget(getProvider('starship'), `http://127.0.0.1:${await closedPort()}/api/v1`, { credentials: (await serve('starship')).credentials }), want: { judged: false, reason: /no response/ } },
  ])('content_type, error_envelope, status_code_documented against $given', async ({ target, want }) => {
    const ids = ['status_code_documented', 'content_type', 'error_envelope'];
    const report = await runChecks(await target(), checks(...ids));
    if (want.judged) {
      expect(runFailed(report)).toBe(false);
      expect(report.judgedNothing).toEqual([]);
      return;
    }
    expect(report.passed).toBe(0);
    expect(report.failed).toBe(0);
    expect(report.judgedNothing).toEqual(ids);
    expect(runFailed(report)).toBe(true);
    expect(report.findings.filter((f) => f.outcome === 'inconclusive').every((f) => want.reason!.test(f.reason ?? ''))).toBe(true);
  }, 60_000);
});

describe('pacing at the documented limits (iStar: 1 request a second)', () => {
  const contract = SANDBOXES.istar!.contract;
  const wallet = (_s: ServedSandbox) => operationById(contract, 'getWalletBalance');

  it.each([
    { given: 'no pacing', pace: false, control: false, calls: 2, want: { statuses: [200, 429] } },
    { given: 'pacing in real time (no control API)', pace: true, control: false, calls: 3, want: { statuses: [200, 200, 200], waitedAtLeastMs: 2000 } },
    { given: 'pacing on the sandbox clock (control API)', pace: true, control: true, calls: 6, want: { statuses: [200, 200, 200, 200, 200, 200], advancedAtLeastS: 5 } },
  ])('$given', async ({ pace, control, calls, want }) => {
    const served = await serve('istar');
    const h = createHarnessHttp(contract, served.baseUrl, served.credentials, { pace, ...(control ? { controlUrl: served.controlUrl } : {}) });
    const statuses: number[] = [];
    for (let i = 0; i < calls; i++) statuses.push((await h.call(wallet(served), {}, pace ? {} : { acceptRateLimit: true })).status);
    expect(statuses).toEqual(want.statuses);
    if (want.waitedAtLeastMs) expect(h.stats.waitedRealMs).toBeGreaterThanOrEqual(want.waitedAtLeastMs);
    if (want.advancedAtLeastS) {
      expect(h.stats.advancedSeconds).toBeGreaterThanOrEqual(want.advancedAtLeastS);
      expect(h.stats.waitedRealMs).toBe(0);
    }
  }, 30_000);

  it('a 429 is retried after its Retry-After (the sandbox clock advanced), and the wait is counted', async () => {
    let refused = 0;
    const once: Wrap = (send) => async (input, init) => (pathOf(input).startsWith('/_accord') || refused++ > 0 ? send(input, init) : Response.json({ success: false, error: { code: 'RATE_LIMITED', message: 'x' } }, { status: 429, headers: { 'Retry-After': '2' } }));
    const served = await serve('istar', once);
    const h = createHarnessHttp(contract, served.baseUrl, served.credentials, { controlUrl: served.controlUrl });
    expect((await h.call(wallet(served))).status).toBe(200);
    expect(h.stats).toMatchObject({ retried429: 1, retryAfterSeconds: 2 });
  });
});

describe('the control API', () => {
  it.each([
    { given: 'a credentials entry with a control token', token: 'ctl-secret-1', want: 'ctl-secret-1' },
    { given: 'none', token: undefined, want: null },
  ])('$given: every control call carries X-Accord-Control-Token accordingly', async ({ token, want }) => {
    const seen: Array<string | null> = [];
    const server = await listenFetch(async (req) => {
      seen.push(req.headers.get(CONTROL_TOKEN_HEADER));
      return Response.json({ epochMs: Date.now() });
    });
    try {
      const served = await serve('istar');
      const h = createHarnessHttp(SANDBOXES.istar!.contract, served.baseUrl, served.credentials, { controlUrl: `${server.origin}/_accord`, ...(token ? { controlToken: token } : {}) });
      await h.control('GET', '/clock');
      await h.pass(1);
      expect(seen).toEqual([want, want]);
    } finally {
      await server.close();
    }
  });
});

describe('repeatable', () => {
  it.each(['starship', 'istar'] as const)('%s: two full runs against the same sandbox give the same green verdict (spent wallets restored)', async (id) => {
    const served = await serve(id);
    const target = await buildTarget(getProvider(id), served.baseUrl, { credentials: served.credentials, controlUrl: served.controlUrl });
    const verdicts: string[][] = [];
    for (let run = 0; run < 2; run++) {
      const report = await runChecks(target, CHECKS.filter((c) => !c.optIn), { maxExamples: 5 });
      verdicts.push(report.findings.filter((f) => f.outcome === 'fail' || f.outcome === 'inconclusive').map((f) => `${f.check} ${f.subject}: ${f.reason}`));
    }
    expect(verdicts).toEqual([[], []]);
  }, 120_000);
});
