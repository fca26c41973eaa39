/**
 * The harness: a full `accord check` of Starship (every default check, default example count)
 * against Dredd's run on the same kind of sandbox, in the same run — each tool gets a fresh
 * sandbox, served on a free port, rate limits scaled ×1000 so neither tool measures waiting.
 * Reported: wall time of each, the ratio, and how many requests/assertions each made, because
 * the two do very different amounts of work (Dredd: one example per operation).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getProvider } from '../contracts/providers.ts';
import { runDredd } from '../harness/dredd/dredd.ts';
import { credentialsFileFor, serveSandbox } from '../harness/dredd/serve.ts';
import { selectChecks } from '../harness/catalogue.ts';
import { runChecks } from '../harness/run.ts';
import { buildTarget } from '../harness/target.ts';
import { median, type Report } from './run.ts';

const ROUNDS = 3;
const SCALE = 1000;

async function accordRun(): Promise<{ ms: number; findings: number; failed: number }> {
  const served = await serveSandbox('starship', { sandbox: { rateLimitScale: SCALE } });
  try {
    const target = await buildTarget(getProvider('starship'), served.baseUrl, { credentials: served.credentials, controlUrl: `${new URL(served.baseUrl).origin}/_accord` });
    const started = performance.now();
    const report = await runChecks(target, selectChecks(undefined));
    return { ms: performance.now() - started, findings: report.findings.length, failed: report.failed };
  } finally {
    await served.close();
  }
}

async function dreddRun(dir: string): Promise<{ ms: number; transactions: number; ok: boolean }> {
  const served = await serveSandbox('starship', { sandbox: { rateLimitScale: SCALE } });
  try {
    const file = path.join(dir, 'starship.credentials.json');
    fs.writeFileSync(file, JSON.stringify(credentialsFileFor([served]), null, 2), { mode: 0o600 });
    const result = await runDredd('starship', served.baseUrl, file);
    return { ms: result.ms, transactions: result.total, ok: result.ok };
  } finally {
    await served.close();
  }
}

export default async function bench(report: Report): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-bench-harness-'));
  try {
    const ours: number[] = [];
    const theirs: number[] = [];
    let findings = 0;
    let transactions = 0;
    for (let i = 0; i < ROUNDS; i++) {
      const a = await accordRun();
      const d = await dreddRun(dir);
      if (a.failed || !d.ok) report(`round ${i + 1}: accord failed ${a.failed}, dredd ok ${d.ok} (a run that fails is not a fair timing)`);
      ours.push(a.ms);
      theirs.push(d.ms);
      findings = a.findings;
      transactions = d.transactions;
    }
    const ratio = median(ours) / median(theirs);
    report(`full check of starship (${selectChecks(undefined).length} checks, ${findings} findings): ${(median(ours) / 1000).toFixed(1)} s`);
    report(`dredd on the same sandbox (${transactions} transactions, one example per operation): ${(median(theirs) / 1000).toFixed(1)} s`);
    report(`accord / dredd wall time: ${ratio.toFixed(2)}x; findings per second: accord ${(findings / (median(ours) / 1000)).toFixed(0)}, dredd ${(transactions / (median(theirs) / 1000)).toFixed(0)}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
