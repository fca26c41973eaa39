/**
 * One in-process sandbox per provider for a whole test file, and a fresh check target on it for
 * each test (a copy: a test may drop the control URL or edit the spec without touching the others).
 */
import { afterAll } from 'vitest';
import { getProvider, type ProviderId } from '../../contracts/providers.ts';
import { buildTarget } from '../../harness/target.ts';
import type { CheckTarget } from '../../harness/types.ts';
import { startTestSandbox, type TestSandbox } from './sandbox.ts';

export function sharedSandboxTargets(): (id: ProviderId, withControl?: boolean) => Promise<{ sb: TestSandbox; target: CheckTarget }> {
  const sandboxes = new Map<ProviderId, Promise<{ sb: TestSandbox; target: CheckTarget }>>();
  afterAll(async () => {
    for (const started of sandboxes.values()) await (await started).sb.close();
  });
  return async (id, withControl = true) => {
    if (!sandboxes.has(id)) {
      sandboxes.set(
        id,
        (async () => {
          const sb = await startTestSandbox(id, { rateLimitScale: 1000 });
          const target = await buildTarget(getProvider(id), sb.baseUrl, { controlUrl: `${new URL(sb.baseUrl).origin}/_accord`, credentials: sb.instance.credentials });
          return { sb, target };
        })(),
      );
    }
    const { sb, target } = await sandboxes.get(id)!;
    const copy: CheckTarget = { ...target, doc: structuredClone(target.doc) };
    if (!withControl) delete copy.controlUrl;
    return { sb, target: copy };
  };
}
