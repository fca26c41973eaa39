/**
 * Sandbox throughput: the Starship sandbox against Prism serving the same spec, in the same run.
 * Two endpoints: the catalog GET (GET /api/v1/products?per_page=50) and a signed order POST
 * (POST /api/v1/orders). Each server runs in its own process on a free port: Prism through
 * startMocks (mocks/prism.ts), the sandbox through this file re-run as a child that calls
 * serveSandboxes with rate limits disabled (ServeOptions.rateLimitsDisabled; the CLI has no flag
 * for it), so RSS is each server's own (VmRSS from /proc/<pid>/status). The sandbox runs twice:
 * in memory (`--memory`, stateless like Prism) and with a data folder (the default of `accord
 * serve`: every response waits for the SQLite commit of its writes), each against Prism.
 *
 * Both get the very same requests: the `default` credential's key pair and a starship-hmac-v1
 * X-Signature (Prism only checks that the headers are present; the sandbox verifies them). The
 * signature is made once per run with a fresh timestamp: it binds method, path, query, body and
 * timestamp, not the Idempotency-Key, so one signature stays valid for every POST of a run.
 *
 * Every POST carries a fresh Idempotency-Key (a counter): a repeated key would be a replay, a
 * single lookup returning the stored bytes, which is not what placing an order costs. With fresh
 * keys each POST is a new order: auth, signature verification, validation, the idempotency lookup
 * and insert, and one transaction writing the order, its voucher, the product's cache stock, the
 * wallet debit and its ledger entry (no webhook endpoint is registered, so no event is built; with
 * a data folder, all of it committed to SQLite before the answer leaves). So that every POST takes
 * that path (201 DELIVERED from
 * the cache, not 422 once the seeded wallet or stock runs out), the child funds the seeded wallet
 * and stocks the product's cache before the first request.
 *
 * autocannon drives all three, same connections and duration, interleaved (they rotate which goes
 * first), after a warm-up of each; reported: medians of the rounds, and the median of
 * the per-round ratios. Target: sandbox ≥ 5× Prism's requests/s on both endpoints. Also reported:
 * each server's CPU time per answered request (from /proc/<pid>/stat; less sensitive than
 * requests/s to other load on the host) and the host's load average, since autocannon and both
 * servers share the machine's CPUs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROVIDERS, REPO_ROOT } from '../contracts/providers.ts';
import type { startMocks } from '../mocks/prism.ts';
import { sign } from '../signing/index.ts';
import { median, type Report } from './run.ts';

const ROUNDS = 5;
const DURATION_S = 3;
const WARMUP_S = 1;
const CONNECTIONS = 32;
const TARGET = 5;
const BASE_PATH = '/api/v1';
/** A product stocked in the cache: every order is a cache hit (201 DELIVERED, one voucher). */
const PRODUCT = 'amazon-gift-50';
const CHILD_ENV = 'ACCORD_BENCH_SANDBOX_CHILD';
/** Set for the data-folder child: the folder its database lives in. */
const DATA_DIR_ENV = 'ACCORD_BENCH_SANDBOX_DATA_DIR';
const starship = PROVIDERS.find((p) => p.id === 'starship')!;

interface Credential {
  apiKey: string;
  apiSecret: string;
  signingSecret: string;
}

// ---------------------------------------------------------------------------------------------
// The child: the sandbox in its own process. It loads only what `accord serve` loads (autocannon
// and Prism's spec bundler are imported lazily by the parent), so its RSS is the sandbox's.

async function serveChild(port: number, dataDir: string | undefined): Promise<void> {
  const { serveSandboxes } = await import('../sandbox/serve.ts');
  const { KIND } = await import('../providers/starship/sandbox/model.ts');
  const running = await serveSandboxes([starship], { portBase: port - starship.portOffset, rateLimitsDisabled: true, replaceGlobalFetchClasses: true, ...(dataDir ? { dataDir } : {}) });
  const sandbox = running.sandboxes[0]!;
  const cred = sandbox.instance.credentials.default!;
  const owner = cred.extra!.owner!;
  // Bench fixture: enough money and cache stock that no POST of the run is refused.
  const { store } = sandbox.instance.ctx;
  const wallet = store.get<{ balanceCents: number }>(KIND.wallet, owner)!;
  store.put(KIND.wallet, owner, { ...wallet, balanceCents: 1e14 }, { owner });
  const product = store.get<{ cacheStock: number }>(KIND.product, PRODUCT)!;
  store.put(KIND.product, PRODUCT, { ...product, cacheStock: 1e9 });
  const credential: Credential = { apiKey: cred.credentials.apiKey!, apiSecret: cred.credentials.apiSecret!, signingSecret: cred.signing!.secret! };
  process.stdout.write(JSON.stringify({ url: sandbox.url, credential }) + '\n');
  const stop = () => void running.stop().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  // The parent holds our stdin open: if it dies without stopping us, we stop too.
  process.stdin.once('end', stop).resume();
}

const thisFile = fileURLToPath(import.meta.url);
if (process.env[CHILD_ENV] && process.argv[1] && path.resolve(process.argv[1]) === thisFile) {
  await serveChild(Number(process.env[CHILD_ENV]), process.env[DATA_DIR_ENV] || undefined);
}

/** Starts the child and resolves with its URL and the seeded `default` credential. */
async function startSandbox(port: number, dataDir?: string): Promise<{ url: string; credential: Credential; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', thisFile], {
    cwd: REPO_ROOT,
    env: { ...process.env, [CHILD_ENV]: String(port), [DATA_DIR_ENV]: dataDir ?? '' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => void (stderr += d));
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`sandbox child did not start within 30 s\n${stderr}`));
    }, 30_000);
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      const ready = JSON.parse(out.slice(0, nl)) as { url: string; credential: Credential };
      resolve({ ...ready, child });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sandbox child exited with ${code} before listening\n${stderr}`));
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5000).unref();
  });
}

// ---------------------------------------------------------------------------------------------
// Measurements.

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The process and its descendants (Prism can fork its HTTP server). */
function processTree(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const out = [pid];
  for (let i = 0; i < out.length; i++) out.push(...(parents.get(out[i]!) ?? []));
  return out;
}

/** VmRSS and VmHWM (peak) in MiB, summed over the process tree. */
function rss(pid: number): { now: number; peak: number; processes: number } {
  let now = 0;
  let peak = 0;
  const tree = processTree(pid);
  for (const p of tree) {
    try {
      const status = fs.readFileSync(`/proc/${p}/status`, 'utf8');
      now += Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
      peak += Number(/^VmHWM:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    } catch {
      // gone meanwhile
    }
  }
  return { now: now / 1024, peak: peak / 1024, processes: tree.length };
}

interface Target {
  name: 'sandbox' | 'sandbox-disk' | 'prism';
  label: string;
  origin: string;
  pid: number;
  /** The sandbox's seeded `default` credential (Prism gets one too: it checks only that the headers are there). */
  credential: Credential;
}

interface Endpoint {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  query: string;
  body?: string;
}

interface Run {
  rps: number;
  p99: number;
  /** Server CPU (user + system, whole process tree) per answered request, in µs. */
  cpuUs: number;
  /** 2xx answers. */
  ok: number;
  non2xx: number;
  errors: number;
}

/** CPU seconds (user + system) used so far by the process tree. */
function cpuSeconds(pid: number): number {
  let ticks = 0;
  for (const p of processTree(pid)) {
    try {
      const stat = fs.readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
    } catch {
      // gone meanwhile
    }
  }
  return ticks / CLOCK_TICKS;
}
/** USER_HZ: 100 on every Linux this runs on. */
const CLOCK_TICKS = 100;

/** The part of autocannon's programmatic API (^8, no bundled types) this bench uses. */
interface AutocannonResult {
  '2xx': number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Seconds. */
  duration: number;
  latency: { p99: number };
}
type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  requests: Array<{ method: string; path: string; headers: Record<string, string>; body?: string; setupRequest?: (req: any) => any }>;
}) => Promise<AutocannonResult>;
/** Loaded on first use, so the sandbox child never loads it. */
const autocannon = (): Autocannon => createRequire(import.meta.url)('autocannon') as Autocannon;

let keySeq = 0;

/** One autocannon run against one target. */
async function load(target: Target, endpoint: Endpoint, credential: Credential, seconds: number): Promise<Run> {
  const body = endpoint.body ?? '';
  const signed = sign('starship-hmac-v1', { method: endpoint.method, path: endpoint.path, query: endpoint.query, body, secret: credential.signingSecret });
  const headers: Record<string, string> = { 'X-API-Key': credential.apiKey, 'X-API-Secret': credential.apiSecret, ...signed.headers };
  if (endpoint.body !== undefined) headers['Content-Type'] = 'application/json';
  const run = `${target.name}-${Date.now().toString(36)}`;
  const cpuBefore = cpuSeconds(target.pid);
  const result = await autocannon()({
    url: target.origin,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: endpoint.method,
        path: endpoint.query ? `${endpoint.path}?${endpoint.query}` : endpoint.path,
        headers,
        ...(endpoint.body !== undefined ? { body } : {}),
        // A fresh Idempotency-Key on every POST: each one places a new order (see the header comment).
        ...(endpoint.method === 'POST'
          ? { setupRequest: (req: any) => ({ ...req, headers: { ...req.headers, 'Idempotency-Key': `bench-${run}-${++keySeq}` } }) }
          : {}),
      },
    ],
  });
  const cpu = cpuSeconds(target.pid) - cpuBefore;
  const ok = result['2xx'];
  return { rps: ok / (result.duration || seconds), p99: result.latency.p99, cpuUs: ok ? (cpu * 1e6) / ok : NaN, ok, non2xx: result.non2xx, errors: result.errors + result.timeouts };
}

/** One request to each target before measuring: a refusal (bad signature, schema) fails loudly, with its body. */
async function preflight(target: Target, endpoint: Endpoint, credential: Credential): Promise<void> {
  const body = endpoint.body ?? '';
  const signed = sign('starship-hmac-v1', { method: endpoint.method, path: endpoint.path, query: endpoint.query, body, secret: credential.signingSecret });
  const res = await fetch(`${target.origin}${endpoint.path}${endpoint.query ? `?${endpoint.query}` : ''}`, {
    method: endpoint.method,
    headers: {
      'X-API-Key': credential.apiKey,
      'X-API-Secret': credential.apiSecret,
      ...signed.headers,
      ...(endpoint.body !== undefined ? { 'Content-Type': 'application/json', 'Idempotency-Key': `bench-preflight-${target.name}-${Date.now()}` } : {}),
    },
    ...(endpoint.body !== undefined ? { body } : {}),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${target.name} answered ${endpoint.method} ${endpoint.path} with ${res.status}: ${text.slice(0, 300)}`);
}

const fmtRps = (n: number) => `${Math.round(n).toLocaleString('en-US')}/s`;
const fmtMs = (n: number) => `${n < 10 ? n.toFixed(1) : n.toFixed(0)} ms`;
const fmtCpu = (us: number) => (us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${Math.round(us)} µs`);

export default async function sandboxBench(report: Report): Promise<void> {
  const loadBefore = os.loadavg()[0]!;
  const [memoryPort, diskPort, prismPort] = [await freePort(), await freePort(), await freePort()];
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-bench-sandbox-'));
  const children: ChildProcess[] = [];
  let mocks: Awaited<ReturnType<typeof startMocks>> | undefined;
  try {
    const memory = await startSandbox(memoryPort);
    children.push(memory.child);
    const disk = await startSandbox(diskPort, dataDir);
    children.push(disk.child);
    const { startMocks } = await import('../mocks/prism.ts');
    mocks = await startMocks([starship], { portBase: prismPort - starship.portOffset });
    const mock = mocks.mocks[0]!;
    const prism: Target = { name: 'prism', label: 'prism', origin: `http://127.0.0.1:${mock.prismPort}`, pid: mock.process.pid!, credential: memory.credential };
    const sandboxes: Target[] = [
      { name: 'sandbox', label: 'sandbox (in memory)', origin: memory.url, pid: memory.child.pid!, credential: memory.credential },
      { name: 'sandbox-disk', label: 'sandbox (data folder)', origin: disk.url, pid: disk.child.pid!, credential: disk.credential },
    ];
    const targets = [...sandboxes, prism];
    const endpoints: Endpoint[] = [
      { name: 'catalog GET /products?per_page=50', method: 'GET', path: `${BASE_PATH}/products`, query: 'per_page=50' },
      { name: 'signed POST /orders', method: 'POST', path: `${BASE_PATH}/orders`, query: '', body: JSON.stringify({ product_id: PRODUCT, quantity: 1, reference: 'bench' }) },
    ];
    report(
      `Starship sandbox (own process, rate limits disabled via the serve options), in memory and with a data folder, vs Prism (own process) serving the same spec; ` +
        `autocannon, ${CONNECTIONS} connections, ${DURATION_S} s per run, ${ROUNDS} interleaved rounds after a ${WARMUP_S} s warm-up; medians. ` +
        `All get the same kind of starship-hmac-v1 signed requests; every POST has a fresh Idempotency-Key, so every POST places a new order (201 from the cache). ` +
        `Target: sandbox ≥ ${TARGET}× Prism's requests/s.`,
    );
    for (const e of endpoints) for (const t of targets) await preflight(t, e, t.credential);
    const idle = Object.fromEntries(targets.map((t) => [t.name, rss(t.pid)]));
    for (const e of endpoints) for (const t of targets) await load(t, e, t.credential, WARMUP_S);

    const runs = new Map<string, Run[]>();
    const ordersPlaced = new Map<string, number>();
    const record = (t: Target, e: Endpoint, r: Run) => runs.set(`${t.name} ${e.name}`, [...(runs.get(`${t.name} ${e.name}`) ?? []), r]);
    for (let round = 0; round < ROUNDS; round++) {
      for (const e of endpoints) {
        // Rotate who goes first, so a drift in machine load does not favour one side.
        const order = targets.map((_, i) => targets[(i + round) % targets.length]!);
        for (const t of order) {
          const r = await load(t, e, t.credential, DURATION_S);
          if (e.method === 'POST') ordersPlaced.set(t.name, (ordersPlaced.get(t.name) ?? 0) + r.ok);
          record(t, e, r);
        }
      }
    }

    const side = (name: string, rs: Run[]) =>
      `${name} ${fmtRps(median(rs.map((r) => r.rps))).padStart(8)} p99 ${fmtMs(median(rs.map((r) => r.p99))).padStart(6)} CPU ${fmtCpu(median(rs.map((r) => r.cpuUs))).padStart(7)}/req`;
    for (const e of endpoints) {
      const p = runs.get(`prism ${e.name}`)!;
      for (const sandbox of sandboxes) {
        const s = runs.get(`${sandbox.name} ${e.name}`)!;
        // Each sandbox run against the Prism run of the same round.
        const rpsRatio = median(s.map((r, i) => r.rps / p[i]!.rps));
        const p99Ratio = median(s.map((r, i) => r.p99 / p[i]!.p99));
        const failed = [...s, ...p].reduce((n, r) => n + r.non2xx + r.errors, 0);
        report(
          `${e.name.padEnd(34)} ${side(sandbox.label.padEnd(21), s)}   ${side('prism', p)}   ` +
            `sandbox/prism: req/s ${rpsRatio.toFixed(2)}×, p99 ${p99Ratio.toFixed(2)}× — ${rpsRatio >= TARGET ? 'ok' : `BELOW TARGET (req/s ≥ ${TARGET}×)`}` +
            (failed ? `  (${failed} non-2xx or failed requests)` : ''),
        );
      }
    }
    for (const t of targets) {
      const after = rss(t.pid);
      const orders = ordersPlaced.get(t.name) ?? 0;
      report(
        `RSS ${t.label.padEnd(21)} ${idle[t.name]!.now.toFixed(0)} MiB idle, ${after.now.toFixed(0)} MiB after the runs, peak ${after.peak.toFixed(0)} MiB` +
          (after.processes > 1 ? ` (${after.processes} processes)` : '') +
          (t.name !== 'prism' ? `; it holds the ${orders.toLocaleString('en-US')} orders of the measured runs (plus warm-up)` : ''),
      );
    }
    const cpus = os.availableParallelism();
    const loadAfter = os.loadavg()[0]!;
    report(
      `host: ${cpus} CPUs shared by autocannon and the servers; 1-min load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after` +
        (Math.max(loadBefore, loadAfter) > cpus ? ' — other processes competed for the CPUs: the absolute figures are depressed and noisy, the ratios less so' : ''),
    );
  } finally {
    await mocks?.stop();
    for (const child of children) await stopChild(child);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
