/**
 * The harness against accord's own sandboxes, in process: what `make` runs. Each sandbox starts in
 * memory and is reached through its app's fetch (no ports), at the documented rate limits: the
 * harness paces itself below them and, the sandbox's limits running on its business clock, moves
 * that clock on through the control API instead of sleeping (harness/pacing.ts).
 */
import type { Provider } from '../contracts/providers.ts';
import { serverUrl } from '../runtime/contract.ts';
import { createSandbox } from '../sandbox/app.ts';
import { SANDBOXES } from '../sandbox/registry.ts';
import { selectChecks } from './catalogue.ts';
import { runChecks, type RunReport } from './run.ts';
import { buildTarget } from './target.ts';

/** The documented limits, unscaled (kept as a name: mutant runs use the same sandbox options). */
export const EMBEDDED_RATE_LIMIT_SCALE = 1;

export async function checkEmbeddedSandbox(provider: Provider, checkIds?: string[]): Promise<RunReport> {
  const declaration = SANDBOXES[provider.id];
  if (!declaration) throw new Error(`no sandbox for ${provider.id}`);
  const baseUrl = serverUrl(declaration.contract, 'accord-sandbox');
  const instance = createSandbox(provider, declaration, { baseUrl });
  instance.start();
  try {
    const target = await buildTarget(provider, baseUrl, { controlUrl: `${new URL(baseUrl).origin}/_accord`, credentials: instance.credentials });
    return await runChecks(target, selectChecks(checkIds), {}, { fetch: instance.fetch });
  } finally {
    await instance.close();
  }
}
