// The behaviour checks (harness/checks/behaviour.ts) against every unmutated sandbox: no failure,
// and each provider is judged by the checks whose behaviour it declares (test/mutants/ proves each
// check fails on its defect).
import { describe, expect, it } from 'vitest';
import { BEHAVIOUR_CHECKS } from '../../harness/checks/behaviour.ts';
import { EMBEDDED_RATE_LIMIT_SCALE } from '../../harness/embedded.ts';
import { checkInProcess, failuresOf } from '../mutants/run.ts';

const CASES = (['starship', 'istar', 'sirgiving', 'odm'] as const).flatMap((p) => [
  [p, 'the embedded scale', EMBEDDED_RATE_LIMIT_SCALE],
  [p, 'the documented limits', 1],
] as const);

describe.each(CASES)('%s at %s', (provider, _at, rateLimitScale) => {
  it('passes every behaviour check it declares, and fails none', async () => {
    // Opt-in checks that spend a documented limit run where the limits are the documented ones.
    const checks = BEHAVIOUR_CHECKS.filter((c) => !c.optIn || rateLimitScale === 1);
    const report = await checkInProcess(provider, { sandbox: { rateLimitScale } }, checks);
    expect(failuresOf(report)).toEqual([]);
    expect(report.passed).toBeGreaterThan(0);
    const inconclusive = report.findings.filter((f) => f.outcome === 'inconclusive');
    expect(inconclusive.map((f) => `${f.check} ${f.subject}: ${f.reason}`)).toEqual([]);
  }, 60_000);
});
