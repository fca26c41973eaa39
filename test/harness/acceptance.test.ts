// The harness's own acceptance: against the four embedded sandboxes every default check passes;
// against the Prism mocks of the same specs the conformance checks pass.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVIDERS } from '../../contracts/providers.ts';
import { selectChecks } from '../../harness/catalogue.ts';
import { checkEmbeddedSandbox } from '../../harness/embedded.ts';
import { runChecks } from '../../harness/run.ts';
import { buildTarget } from '../../harness/target.ts';
import { startMocks, type MockSet } from '../../mocks/prism.ts';
import { createSandbox } from '../../sandbox/app.ts';
import { SANDBOXES } from '../../sandbox/registry.ts';

const CONFORMANCE = ['status_code_documented', 'response_schema', 'content_type', 'response_headers', 'error_envelope'];
const failures = (report: { findings: Array<{ outcome: string; check: string; subject: string; reason?: string }> }) =>
  report.findings.filter((f) => f.outcome === 'fail').map((f) => `${f.check} ${f.subject}: ${f.reason}`);

describe.each(PROVIDERS)('$id', (provider) => {
  it('passes every default check against its embedded sandbox', async () => {
    const report = await checkEmbeddedSandbox(provider);
    expect(failures(report)).toEqual([]);
    expect(report.passed).toBeGreaterThan(20);
  }, 120_000);
});

describe('against the Prism mocks', () => {
  let mocks: MockSet;
  beforeAll(async () => {
    mocks = await startMocks(PROVIDERS, { portBase: 4640 });
  }, 120_000);
  afterAll(async () => mocks?.stop());

  it.each(PROVIDERS.map((p) => [p.id, p] as const))('%s: the conformance checks pass', async (_id, provider) => {
    // Prism checks only that credentials are present: any seeded set will do.
    const seeded = createSandbox(provider, SANDBOXES[provider.id]!, {});
    const credentials = seeded.credentials;
    await seeded.close();
    const url = mocks.mocks.find((m) => m.provider === provider.id)!.url;
    const target = await buildTarget(provider, url, { baseUrl: url, credentials });
    const report = await runChecks(target, selectChecks(CONFORMANCE));
    expect(failures(report)).toEqual([]);
    expect(report.passed).toBeGreaterThan(5);
  }, 60_000);
});
