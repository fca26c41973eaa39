/**
 * The harness at the documented rate limits, per provider: a full default `accord check` against a
 * fresh sandbox served on a free port with its limits unscaled, then Dredd against another fresh
 * sandbox at the same limits, in the same run. Reported per provider:
 * - accord's wall time, the requests it sent and the business time it advanced instead of waiting;
 * - the least time the documented limits allow for those requests (what the same run costs against
 *   a target whose clock cannot be advanced, e.g. a provider's own sandbox), and accord's time as a
 *   ratio of it;
 * - Dredd's wall time and transactions, and accord / Dredd (Dredd sends one example per operation
 *   and does not pace: at iStar's 1 request a second it meets 429s).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROVIDERS, type ProviderId } from '../contracts/providers.ts';
import { selectChecks } from '../harness/catalogue.ts';
import { runDredd } from '../harness/dredd/dredd.ts';
import { credentialsFileFor, serveSandbox } from '../harness/dredd/serve.ts';
import { runChecks, runFailed } from '../harness/run.ts';
import { buildTarget } from '../harness/target.ts';
import type { Report } from './run.ts';

async function accordRun(id: ProviderId) {
  const served = await serveSandbox(id);
  try {
    const target = await buildTarget(PROVIDERS.find((p) => p.id === id)!, served.baseUrl, { credentials: served.credentials, controlUrl: served.controlUrl });
    const started = performance.now();
    const report = await runChecks(target, selectChecks(undefined));
    return { ms: performance.now() - started, failed: runFailed(report), pacing: report.pacing! };
  } finally {
    await served.close();
  }
}

async function dreddRun(id: ProviderId, dir: string) {
  const served = await serveSandbox(id);
  try {
    const file = path.join(dir, `${id}.credentials.json`);
    fs.writeFileSync(file, JSON.stringify(credentialsFileFor([served]), null, 2), { mode: 0o600 });
    return await runDredd(id, served.baseUrl, file);
  } finally {
    await served.close();
  }
}

export default async function bench(report: Report): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-bench-limits-'));
  try {
    for (const provider of PROVIDERS) {
      const a = await accordRun(provider.id);
      const d = await dreddRun(provider.id, dir);
      const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
      const least = a.pacing.minimumSeconds;
      report(
        `${provider.id}: accord ${s(a.ms)}${a.failed ? ' (FAILED: not a fair timing)' : ''}, ${a.pacing.requests} requests, ${Math.round(a.pacing.advancedSeconds)} s of sandbox time advanced instead of waited; ` +
          `the documented limits allow them in no less than ${least.toFixed(0)} s (accord / that minimum: ${least ? `${(a.ms / 1000 / least).toFixed(3)}x` : 'n/a, within every window'}); ` +
          `dredd ${s(d.ms)} (${d.total} transactions, ${d.ok ? 'ok' : `${d.failing} failing, ${d.errors} errors`}); accord / dredd: ${(a.ms / d.ms).toFixed(2)}x`,
      );
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
