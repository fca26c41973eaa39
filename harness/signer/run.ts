/**
 * The check-signer engine: staged vectors, then seeded property cases and generated negatives,
 * through a transport; every answer compared with the signing engine, stage by stage; the first
 * failing property case shrunk by fast-check.
 */
import fc from 'fast-check';
import { getScheme } from '../../signing/schemes/index.ts';
import type { SchemeDeclaration, SchemeId } from '../../signing/types.ts';
import { bodyOf } from './expect.ts';
import { diagnoseSign, diagnoseVerify, show } from './diagnose.ts';
import { casesFromSpec, specArbitrary, type Spec } from './properties.ts';
import { SECRET_HEADER } from './sent-along.ts';
import { callAll, type Transport } from './transport.ts';
import type { Answer, Case, Failure, Group, GroupSummary, Mismatch, Role, SignerReport, Stage } from './types.ts';
import { vectorCases } from './vector-cases.ts';

export interface CheckSignerOptions {
  scheme: SchemeId;
  role: Role;
  seed: number;
  /** Property cases (each: a sign case, a verify case and a generated negative). */
  cases: number;
  transport: Transport;
  /** Shrink the first failing property case (re-runs cases; on by default). */
  shrink?: boolean;
  onProgress?(phase: string, done: number, total: number): void;
}

export const REDACTED = '«redacted»';
const FAILURES_PER_GROUP = 5;
const CHUNK = 100;

let nextId = 0;

/** Sends the cases' requests, each under a fresh id (cases are shared between concurrent runs). */
function send(transport: Transport, cases: readonly Case[]): Promise<Answer[]> {
  return callAll(transport, cases.map((c) => ({ ...c.request, id: String(++nextId) })));
}

function judge(scheme: SchemeDeclaration, c: Case, answer: Answer): Mismatch | undefined {
  return c.kind === 'sign' ? diagnoseSign(scheme, c, answer) : diagnoseVerify(c, answer);
}

/** Every key and credential of a case, to scrub from anything shown. */
function secretsOf(c: Case): string[] {
  const r = c.request;
  const values = [
    ...(r.op === 'sign' ? [r.secret, r.private_key_pem] : [...(r.secrets ?? [])]),
    ...Object.entries(r.headers)
      .filter(([name]) => SECRET_HEADER.test(name))
      .flatMap(([, v]) => (Array.isArray(v) ? v : [v])),
  ].filter((v): v is string => typeof v === 'string' && v.length >= 4);
  return values.sort((a, b) => b.length - a.length);
}

function redact(text: string, secrets: string[]): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join(REDACTED);
  return out;
}

/** The case as a report shows it: what was asked, never a key. */
function showCase(c: Case): string {
  const r = c.request;
  const body = bodyOf(r);
  const text = body.toString('utf8');
  const bodyText = body.length === 0 ? 'empty body' : Buffer.from(text, 'utf8').equals(body) ? `body ${body.length} bytes ${show(text, 0, 120)}` : `binary body ${body.length} bytes (base64 ${show(r.body_base64, 0, 60)})`;
  const headers = Object.entries(r.headers)
    .map(([k, v]) => `${k}: ${SECRET_HEADER.test(k) ? REDACTED : Array.isArray(v) ? v.map((x) => JSON.stringify(x)).join(' + ') : v}`)
    .join('; ');
  const target = `${r.method} ${JSON.stringify(r.path)}${r.query ? ` query ${JSON.stringify(r.query)}` : ''}`;
  const lines =
    r.op === 'sign'
      ? [`sign ${target}`, bodyText, `timestamp ${r.timestamp ?? '(none)'}`, `key ${REDACTED}`, headers ? `sent along: ${headers}` : '']
      : [`verify ${target}`, bodyText, `verifier clock ${r.now}`, `${(r.secrets ?? r.public_keys_pem ?? []).length} key(s) ${REDACTED}`, `headers: ${headers}`];
  return redact(lines.filter(Boolean).join('\n'), secretsOf(c));
}

function failureOf(c: Case, mismatch: Mismatch): Failure {
  const secrets = secretsOf(c);
  const clean: Mismatch = { ...mismatch, expected: redact(mismatch.expected, secrets), received: redact(mismatch.received, secrets) };
  if (mismatch.hint) clean.hint = redact(mismatch.hint, secrets);
  return { group: c.group, kind: c.kind, name: c.name, mismatch: clean, shown: showCase(c) };
}

interface Tally {
  groups: Map<string, GroupSummary>;
  failures: Failure[];
  stages: Map<Stage, number>;
  total: number;
}

function groupId(c: Case): string {
  return `${c.group}/${c.kind}`;
}

async function runCases(scheme: SchemeDeclaration, transport: Transport, cases: Case[], tally: Tally): Promise<Array<Mismatch | undefined>> {
  const started = performance.now();
  const answers = await send(transport, cases);
  const ms = performance.now() - started;
  return cases.map((c, i) => {
    const mismatch = judge(scheme, c, answers[i]!);
    const id = groupId(c);
    const g = tally.groups.get(id) ?? { id, passed: 0, failed: 0, ms: 0 };
    g.ms += ms / cases.length;
    tally.total++;
    if (mismatch) {
      g.failed++;
      tally.stages.set(mismatch.stage, (tally.stages.get(mismatch.stage) ?? 0) + 1);
      if (tally.failures.filter((f) => `${f.group}/${f.kind}` === id).length < FAILURES_PER_GROUP) tally.failures.push(failureOf(c, mismatch));
    } else g.passed++;
    tally.groups.set(id, g);
    return mismatch;
  });
}

function selectByRole(role: Role, cases: Case[]): Case[] {
  return cases.filter((c) => role === 'both' || (role === 'signer' ? c.kind === 'sign' : c.kind === 'verify'));
}

function propertyCases(scheme: SchemeDeclaration, role: Role, spec: Spec, label: string): Case[] {
  const { sign, verify, negative } = casesFromSpec(scheme, spec, label);
  return selectByRole(role, [sign, verify, negative]);
}

/** The seeded draw: the same specs a later fc.check with this seed and count replays. */
function drawSpecs(arb: fc.Arbitrary<Spec>, seed: number, count: number): Spec[] {
  const specs: Spec[] = [];
  fc.check(
    fc.property(arb, (s) => {
      specs.push(s);
      return true;
    }),
    { seed, numRuns: count },
  );
  return specs;
}

let lastChunks: { key: string; chunks: Case[][] } | undefined;

/**
 * The property cases in chunks. The last scheme's are kept: checking several signers against the
 * same scheme and seed (the reference signers' test, the bench) draws and signs them once.
 */
function propertyChunks(scheme: SchemeDeclaration, options: CheckSignerOptions, arb: fc.Arbitrary<Spec>): Case[][] {
  const key = `${scheme.id}/${options.seed}/${options.cases}/${options.role}`;
  if (lastChunks?.key === key) return lastChunks.chunks;
  const specs = drawSpecs(arb, options.seed, options.cases);
  const chunks: Case[][] = [];
  for (let from = 0; from < specs.length; from += CHUNK) {
    chunks.push(specs.slice(from, from + CHUNK).flatMap((spec, i) => propertyCases(scheme, options.role, spec, `#${from + i + 1}`)));
  }
  lastChunks = { key, chunks };
  return chunks;
}

export async function checkSigner(options: CheckSignerOptions): Promise<SignerReport> {
  const scheme = getScheme(options.scheme);
  const tally: Tally = { groups: new Map(), failures: [], stages: new Map(), total: 0 };
  const started = performance.now();

  const vectors = vectorCases(scheme);
  const vectorList = selectByRole(options.role, [...vectors.sign, ...vectors.verify]);
  options.onProgress?.('vectors', 0, vectorList.length);
  await runCases(scheme, options.transport, vectorList, tally);
  options.onProgress?.('vectors', vectorList.length, vectorList.length);

  const arb = specArbitrary(scheme);
  const chunks = propertyChunks(scheme, options, arb);
  let firstFailing = -1;
  for (const [k, cases] of chunks.entries()) {
    const results = await runCases(scheme, options.transport, cases, tally);
    if (firstFailing < 0 && results.some(Boolean)) firstFailing = k;
    options.onProgress?.('properties', Math.min((k + 1) * CHUNK, options.cases), options.cases);
  }
  const checkedMs = performance.now() - started;

  let shrunk: Failure | undefined;
  const answered = [...tally.groups.values()].some((g) => g.passed > 0) || [...tally.stages.keys()].some((s) => s !== 'protocol');
  // Not one answer (a dead process, a wrong URL): there is nothing to shrink.
  if (firstFailing >= 0 && options.shrink !== false && answered) {
    options.onProgress?.('shrinking', 0, 1);
    shrunk = await shrink(scheme, options, arb);
  }

  const groups = [...tally.groups.values()].map((g) => ({ ...g, ms: Math.round(g.ms) }));
  const failed = groups.reduce((n, g) => n + g.failed, 0);
  return {
    format: 'accord-check-signer-report/1',
    scheme: scheme.id,
    target: options.transport.describe,
    role: options.role,
    seed: options.seed,
    groups,
    passed: groups.reduce((n, g) => n + g.passed, 0),
    failed,
    failures: tally.failures,
    ...(shrunk ? { shrunk } : {}),
    stages: [...tally.stages.entries()].sort((a, b) => b[1] - a[1]).map(([s]) => s),
    casesPerSecond: Math.round(tally.total / (checkedMs / 1000)),
    ms: Math.round(performance.now() - started),
  };
}

/** Replays the seeded run as an async property so fast-check shrinks the first failing spec. */
async function shrink(scheme: SchemeDeclaration, options: CheckSignerOptions, arb: fc.Arbitrary<Spec>): Promise<Failure | undefined> {
  let last: Failure | undefined;
  const details = await fc.check(
    fc.asyncProperty(arb, async (spec) => {
      const cases = propertyCases(scheme, options.role, spec, 'shrunk');
      const answers = await send(options.transport, cases);
      for (const [i, c] of cases.entries()) {
        const mismatch = judge(scheme, c, answers[i]!);
        if (mismatch) {
          last = failureOf(c, mismatch);
          return false;
        }
      }
      return true;
    }),
    { seed: options.seed, numRuns: options.cases, endOnFailure: false, interruptAfterTimeLimit: 60_000 },
  );
  if (!details.failed || !details.counterexample) return last;
  // Re-run the smallest counterexample so the report shows its own mismatch.
  const [spec] = details.counterexample;
  const cases = propertyCases(scheme, options.role, spec, 'shrunk');
  const answers = await send(options.transport, cases);
  for (const [i, c] of cases.entries()) {
    const mismatch = judge(scheme, c, answers[i]!);
    if (mismatch) return failureOf(c, mismatch);
  }
  return last;
}

export type { Group };
