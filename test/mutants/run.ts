/**
 * Runs one harness check against a mutant (or the unmutated sandbox), in process: the sandbox as
 * `make` checks it (harness/embedded.ts: in memory, jobs running, rate limits scaled up unless the
 * mutant says otherwise), reached through its — possibly wrapped — app fetch.
 */
import { getProvider, type ProviderId } from '../../contracts/providers.ts';
import { CHECKS } from '../../harness/catalogue.ts';
import { buildSandbox, type SandboxVariant } from '../../harness/dredd/serve.ts';
import { EMBEDDED_RATE_LIMIT_SCALE } from '../../harness/embedded.ts';
import { runChecks, type RunReport } from '../../harness/run.ts';
import { buildTarget } from '../../harness/target.ts';
import type { Check, HarnessOptions } from '../../harness/types.ts';
import { SANDBOXES } from '../../sandbox/registry.ts';
import type { Mutant } from './mutants.ts';

/** Few generated inputs: the defects show on the first ones (malformed JSON is always sent first). */
export const MUTANT_OPTIONS: Partial<HarnessOptions> = { maxExamples: 5 };

export const checkById = (id: string): Check | undefined => CHECKS.find((c) => c.id === id);

/** The sandbox a mutant is made of: its sandbox options, its declaration change and fetch wrap (none for the unmutated one). */
export function variantOf(mutant: Mutant, mutated: boolean): SandboxVariant {
  return {
    sandbox: { rateLimitScale: EMBEDDED_RATE_LIMIT_SCALE, ...mutant.sandbox },
    ...(mutated && mutant.declaration ? { declaration: mutant.declaration } : {}),
    ...(mutated && mutant.wrap ? { wrap: mutant.wrap } : {}),
  };
}

/** The check named by the mutant against the mutant (`mutated`) or against the sandbox it was made from. */
export async function checkMutant(mutant: Mutant, mutated: boolean, checkId = mutant.check): Promise<RunReport> {
  const check = checkById(checkId);
  if (!check) throw new Error(`check ${checkId} is not in harness/catalogue.ts`);
  return checkInProcess(mutant.provider, variantOf(mutant, mutated), [check]);
}

export async function checkInProcess(id: ProviderId, variant: SandboxVariant, checks: readonly Check[]): Promise<RunReport> {
  const server = SANDBOXES[id]!.contract.servers.find((s) => s.environment === 'accord-sandbox')!;
  const { instance, fetch } = buildSandbox(id, server.url, variant);
  try {
    const target = await buildTarget(getProvider(id), server.url, { baseUrl: server.url, controlUrl: `${new URL(server.url).origin}/_accord`, credentials: instance.credentials });
    return await runChecks(target, checks, MUTANT_OPTIONS, { fetch });
  } finally {
    await instance.close();
  }
}

export const failuresOf = (report: RunReport) => report.findings.filter((f) => f.outcome === 'fail').map((f) => `${f.check} ${f.subject}: ${f.reason}`);
