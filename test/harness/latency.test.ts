// Signature-window probes must survive latency: a correct server 400 ms away passes every run of the
// signature checks (±270 s accepted, ±330 s refused), and a server that checks no window still fails.
// Rate limits are the documented ones (no scale); the control API is reached directly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getProvider } from '../../contracts/providers.ts';
import { CHECKS } from '../../harness/catalogue.ts';
import { serveSandbox, type ServedSandbox } from '../../harness/dredd/serve.ts';
import { runChecks } from '../../harness/run.ts';
import { buildTarget } from '../../harness/target.ts';
import { MUTANTS } from '../mutants/mutants.ts';
import { startLatencyProxy, type LatencyProxy } from '../support/latency-proxy.ts';

const LATENCY_MS = 400;
/** Runs per target in the test (the report measures 20 with ACCORD_LATENCY_RUNS=20). */
const RUNS = Number(process.env.ACCORD_LATENCY_RUNS) || 3;
const SIGNATURE_CHECKS = CHECKS.filter((c) => ['signature_stale', 'signature_future', 'signature_tampered'].includes(c.id));

describe.each([
  { given: 'a correct Starship sandbox', mutant: undefined, wantFailed: false },
  { given: 'a Starship sandbox that checks no signature window', mutant: 'stale-signature-accepted', wantFailed: true },
])(`$given behind a proxy adding ${LATENCY_MS} ms`, ({ mutant, wantFailed }) => {
  let served: ServedSandbox;
  let proxy: LatencyProxy;
  beforeAll(async () => {
    const wrap = mutant ? MUTANTS.find((m) => m.id === mutant)!.wrap : undefined;
    served = await serveSandbox('starship', wrap ? { wrap } : {});
    proxy = await startLatencyProxy(served.baseUrl, LATENCY_MS);
  });
  afterAll(async () => {
    await proxy?.close();
    await served?.close();
  });

  it(`the signature checks give the same verdict ${RUNS} runs out of ${RUNS}`, async () => {
    const target = await buildTarget(getProvider('starship'), proxy.url, { credentials: served.credentials, controlUrl: served.controlUrl });
    const verdicts: string[] = [];
    for (let i = 0; i < RUNS; i++) {
      const report = await runChecks(target, SIGNATURE_CHECKS);
      expect(report.passed).toBeGreaterThan(0);
      expect(report.inconclusive).toBe(0);
      verdicts.push(report.findings.filter((f) => f.outcome === 'fail').map((f) => `${f.check} ${f.subject}`).join(', ') || 'pass');
    }
    if (wantFailed) expect(verdicts.every((v) => v.includes('signature_stale'))).toBe(true);
    else expect(verdicts).toEqual(Array(RUNS).fill('pass'));
  }, 120_000);
});
