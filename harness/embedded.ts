/**
 * The harness against accord's own sandboxes, in process: what `make` runs. Each sandbox starts in
 * memory and is reached through its app's fetch (no ports); rate limits are scaled up so the
 * default checks are not throttled (the opt-in rate_limit check runs against documented limits).
 */
import type { Provider } from '../contracts/providers.ts';
import { serverUrl } from '../runtime/contract.ts';
import { createSandbox } from '../sandbox/app.ts';
import { SANDBOXES } from '../sandbox/registry.ts';
import { selectChecks } from './catalogue.ts';
import { runChecks, type RunReport } from './run.ts';
import { buildTarget } from './target.ts';

export const EMBEDDED_RATE_LIMIT_SCALE = 1000;

export async function checkEmbeddedSandbox(provider: Provider, checkIds?: string[]): Promise<RunReport> {
  const declaration = SANDBOXES[provider.id];
  if (!declaration) throw new Error(`no sandbox for ${provider.id}`);
  const baseUrl = serverUrl(declaration.contract, 'accord-sandbox');
  const instance = createSandbox(provider, declaration, { baseUrl, rateLimitScale: EMBEDDED_RATE_LIMIT_SCALE });
  instance.start();
  try {
    const target = await buildTarget(provider, baseUrl, { controlUrl: `${new URL(baseUrl).origin}/_accord`, credentials: instance.credentials });
    return await runChecks(target, selectChecks(checkIds), {}, { fetch: instance.fetch });
  } finally {
    await instance.close();
  }
}
