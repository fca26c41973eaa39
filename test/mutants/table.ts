/**
 * Which mutants accord, Dredd and Prism's validation proxy each catch (`accord mutants --table`,
 * the README's "Proof the harness has teeth"). Each tool meets each mutant fresh — a new sandbox
 * per run — and is judged against its own run on the unmutated sandbox:
 *
 * - accord: the check the mutant names, in process; caught when it passes on the sandbox and fails
 *   on the mutant.
 * - Dredd: `dredd` with accord's signing hooks against the mutant served on a free port; caught when
 *   it passes on the sandbox and fails on the mutant.
 * - Prism: `prism proxy` in front of the mutant, carrying the traffic of the same accord check (the
 *   traffic that exposes the defect); caught when Prism reports a response violation
 *   (`sl-violations`) it does not report for the same traffic to the sandbox.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getProvider, type ProviderId } from '../../contracts/providers.ts';
import { runDredd, writeDreddSpec, type DreddResult } from '../../harness/dredd/dredd.ts';
import { basePathOf } from '../../runtime/contract.ts';
import { buildSandbox, credentialsFileFor, listenFetch, serveSandbox, type SandboxVariant } from '../../harness/dredd/serve.ts';
import { startProxy, violationsOf, type RunningProxy } from '../../harness/proxy.ts';
import { runChecks } from '../../harness/run.ts';
import { buildTarget } from '../../harness/target.ts';
import { SANDBOXES } from '../../sandbox/registry.ts';
import { MUTANTS, type Mutant } from './mutants.ts';
import { checkById, checkMutant, failuresOf, MUTANT_OPTIONS, variantOf } from './run.ts';

export interface Verdict {
  /** null: the tool could not be judged (its run on the unmutated sandbox failed, or the check is missing). */
  caught: boolean | null;
  /** Why: the first failure, violation or problem. */
  note: string;
}

export interface MutantRow {
  mutant: Mutant;
  accord: Verdict;
  dredd: Verdict;
  prism: Verdict;
}

export interface TableOptions {
  /** Mutant ids (default: all). */
  only?: readonly string[];
  /** Progress lines. */
  log?: (line: string) => void;
  /** Leave a tool out (its column reads "not run"). */
  skip?: ReadonlyArray<'dredd' | 'prism'>;
}

const NOT_RUN: Verdict = { caught: null, note: 'not run' };
const clip = (s: string, n = 160) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

// ---- accord ------------------------------------------------------------------------------

async function accordVerdict(m: Mutant): Promise<Verdict> {
  if (!checkById(m.check)) return { caught: null, note: `check ${m.check} is not in the catalogue yet` };
  const clean = await checkMutant(m, false);
  if (clean.failed) return { caught: null, note: `fails on the sandbox too: ${failuresOf(clean)[0]}` };
  const broken = await checkMutant(m, true);
  return broken.failed ? { caught: true, note: clip(failuresOf(broken)[0]!) } : { caught: false, note: `${m.check}: ${broken.passed} passed` };
}

// ---- Dredd -------------------------------------------------------------------------------

const firstDreddFailure = (r: DreddResult) => {
  const lines = r.failures.split('\n');
  const at = lines.findIndex((l) => /^fail: [A-Z]+ \(/.test(l));
  return at >= 0 ? `${lines[at]!.replace(/^fail: /, '').replace(/ duration: .*$/, '')}: ${(lines[at + 1] ?? '').replace(/^fail: /, '')}` : `exit ${r.exitCode}`;
};

async function dreddRun(id: ProviderId, variant: SandboxVariant, dir: string, specs: Map<ProviderId, string>): Promise<DreddResult> {
  if (!specs.has(id)) specs.set(id, await writeDreddSpec(id, dir));
  const served = await serveSandbox(id, variant);
  try {
    const file = path.join(dir, `${id}-${Date.now()}.credentials.json`);
    fs.writeFileSync(file, JSON.stringify(credentialsFileFor([served])), { mode: 0o600 });
    return await runDredd(id, served.baseUrl, file, { specFile: specs.get(id)! });
  } finally {
    await served.close();
  }
}

// ---- Prism's proxy -----------------------------------------------------------------------

/** One upstream per provider whose sandbox is swapped per run, behind one long-lived proxy. */
interface PrismSlot {
  proxy: RunningProxy;
  baseUrl: string;
  controlUrl: string;
  current?: typeof fetch;
  close(): Promise<void>;
}

async function prismSlot(id: ProviderId): Promise<PrismSlot> {
  const slot: Partial<PrismSlot> = {};
  const listening = await listenFetch(async (req) => (slot.current ? slot.current(req) : new Response('no sandbox loaded', { status: 503 })));
  const baseUrl = listening.origin + basePathOf(SANDBOXES[id]!.contract);
  const proxy = await startProxy(getProvider(id), { upstream: baseUrl });
  return Object.assign(slot, {
    proxy,
    baseUrl,
    controlUrl: `${listening.origin}/_accord`,
    close: async () => {
      await proxy.stop();
      await listening.close();
    },
  }) as PrismSlot;
}

/** Response violations Prism reports for the check's traffic to a fresh sandbox in the slot. */
async function prismViolations(slot: PrismSlot, m: Mutant, mutated: boolean): Promise<Set<string>> {
  const { instance, fetch: sandboxFetch } = buildSandbox(m.provider, slot.baseUrl, variantOf(m, mutated));
  slot.current = sandboxFetch;
  const found = new Set<string>();
  const proxyOrigin = new URL(slot.proxy.url).origin;
  const recording = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const res = await fetch(input, init);
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (url.startsWith(proxyOrigin)) for (const v of violationsOf(res.headers)) if (v.location[0] === 'response') found.add(`${v.location.join('.')}: ${v.message}`);
    return res;
  }) as typeof fetch;
  try {
    const target = await buildTarget(getProvider(m.provider), slot.proxy.url, { baseUrl: slot.proxy.url, controlUrl: slot.controlUrl, credentials: instance.credentials });
    await runChecks(target, [checkById(m.check)!], MUTANT_OPTIONS, { fetch: recording });
  } finally {
    slot.current = undefined;
    await instance.close();
  }
  return found;
}

// ---- the table ---------------------------------------------------------------------------

export async function mutantTable(options: TableOptions = {}): Promise<MutantRow[]> {
  const log = options.log ?? (() => {});
  const mutants = options.only?.length ? MUTANTS.filter((m) => options.only!.includes(m.id)) : [...MUTANTS];
  const unknown = (options.only ?? []).filter((id) => !MUTANTS.some((m) => m.id === id));
  if (unknown.length) throw new Error(`unknown mutant${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}: expected any of ${MUTANTS.map((m) => m.id).join(', ')}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-mutants-'));
  const specs = new Map<ProviderId, string>();
  const dreddBaselines = new Map<string, Promise<DreddResult>>();
  const prismBaselines = new Map<string, Promise<Set<string>>>();
  const slots = new Map<ProviderId, Promise<PrismSlot>>();
  const rows: MutantRow[] = [];
  try {
    for (const m of mutants) {
      log(`${m.id}: accord ${m.check}`);
      const accord = await accordVerdict(m);

      let dredd = NOT_RUN;
      if (!options.skip?.includes('dredd')) {
        log(`${m.id}: dredd`);
        const key = `${m.provider} ${JSON.stringify(m.sandbox ?? {})}`;
        if (!dreddBaselines.has(key)) dreddBaselines.set(key, dreddRun(m.provider, variantOf(m, false), dir, specs));
        const clean = await dreddBaselines.get(key)!;
        if (!clean.ok) dredd = { caught: null, note: `fails on the sandbox too: ${firstDreddFailure(clean)}` };
        else {
          const broken = await dreddRun(m.provider, variantOf(m, true), dir, specs);
          dredd = broken.ok ? { caught: false, note: `${broken.passing} passing` } : { caught: true, note: clip(firstDreddFailure(broken)) };
        }
      }

      let prism = NOT_RUN;
      if (!options.skip?.includes('prism') && checkById(m.check)) {
        log(`${m.id}: prism proxy`);
        if (!slots.has(m.provider)) slots.set(m.provider, prismSlot(m.provider));
        const slot = await slots.get(m.provider)!;
        const key = `${m.provider} ${m.check} ${JSON.stringify(m.sandbox ?? {})}`;
        if (!prismBaselines.has(key)) prismBaselines.set(key, prismViolations(slot, m, false));
        const clean = await prismBaselines.get(key)!;
        const broken = await prismViolations(slot, m, true);
        const fresh = [...broken].filter((v) => !clean.has(v));
        prism = fresh.length ? { caught: true, note: clip(fresh[0]!) } : { caught: false, note: 'no new response violation' };
      }
      rows.push({ mutant: m, accord, dredd, prism });
      log(`${m.id}: accord ${mark(accord)}, dredd ${mark(dredd)}, prism ${mark(prism)}`);
    }
  } finally {
    for (const slot of slots.values()) await (await slot).close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

const mark = (v: Verdict) => (v.caught === null ? (v === NOT_RUN ? 'not run' : 'n/a') : v.caught ? 'caught' : 'missed');

const PROVIDER_TITLES: Record<string, string> = { starship: 'Starship', istar: 'iStar', sirgiving: 'SIR Giving', odm: 'ODM' };

/** The README table: one row per mutant, then the totals. */
export function markdownTable(rows: readonly MutantRow[]): string {
  const lines = [
    '| mutant | provider | defect | accord check | accord | Dredd | Prism proxy |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| \`${r.mutant.id}\` | ${PROVIDER_TITLES[r.mutant.provider]} | ${r.mutant.defect.replace(/\|/g, '\\|')} | \`${r.mutant.check}\` | ${cell(r.accord)} | ${cell(r.dredd)} | ${cell(r.prism)} |`),
  ];
  const total = (k: 'accord' | 'dredd' | 'prism') => `${rows.filter((r) => r[k].caught).length} of ${rows.length}`;
  lines.push(`| **caught** | | | | **${total('accord')}** | **${total('dredd')}** | **${total('prism')}** |`);
  return lines.join('\n');
}

const cell = (v: Verdict) => (v.caught === null ? (v === NOT_RUN ? 'not run' : 'n/a') : v.caught ? '**caught**' : 'missed');

/** What each tool said, one line per mutant (for the curious; the README keeps the table). */
export function evidence(rows: readonly MutantRow[]): string {
  return rows
    .map((r) => [`${r.mutant.id}:`, `  accord (${r.mutant.check}): ${mark(r.accord)} — ${r.accord.note}`, `  dredd: ${mark(r.dredd)} — ${r.dredd.note}`, `  prism: ${mark(r.prism)} — ${r.prism.note}`].join('\n'))
    .join('\n');
}
