/**
 * Pre-flight, before any check: one authenticated read with the default role must reach the
 * implementation and be accepted. A server that is down, a refused credential or a wrong base path
 * would otherwise turn every check into noise (hundreds of findings about 401s and connection
 * errors); here each is one line naming the cause and the fix (exit 2).
 */
import type { ContractOperation } from '../runtime/contract.ts';
import type { HarnessHttp } from './http.ts';
import { errorCodeOf, exampleInput } from './probe.ts';
import { roleFor } from './checks/recipe.ts';
import type { CheckContext, CheckTarget } from './types.ts';

/** Why the run cannot start (exit 2), in one line. */
export class PreflightError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PreflightError';
  }
}

/** Reads without path parameters the default role can authenticate: signed ones first (they prove the signature too). */
export function preflightReads(target: CheckTarget): ContractOperation[] {
  const ctx = target as CheckContext;
  const reads = target.contract.operations.filter((o) => o.method === 'get' && !o.path.includes('{') && o.status !== 'planned' && !o.security.some((alt) => alt.length === 0) && roleFor(ctx, o) === 'default');
  return [...reads.filter((o) => o.signing !== 'none'), ...reads.filter((o) => o.signing === 'none')];
}

/**
 * The base URL's scheme, then one read with the default credential. When that read answers 404,
 * every other such read is tried: all 404 means the base path is wrong.
 */
export async function preflight(target: CheckTarget, http: HarnessHttp): Promise<{ operation: string; status: number }> {
  const url = new URL(target.baseUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new PreflightError(`--base-url must be http:// or https://, got "${url.protocol}//…"`);
  const reads = preflightReads(target);
  const op = reads[0] ?? target.contract.operations.find((o) => o.method === 'get' && o.status !== 'planned');
  if (!op) return { operation: '(none)', status: 0 };
  const ctx = { ...target, http } as unknown as CheckContext;
  const r = await http.call(op, exampleInput(ctx, op));
  const what = `GET ${target.baseUrl}${op.path}`;
  if (r.status === 0) throw new PreflightError(`cannot reach ${target.baseUrl}: ${r.error}; is the implementation running, and is --base-url right?`);
  const code = errorCodeOf(r.json);
  const answered = `${r.status}${code ? ` ${code}` : ''}`;
  if (r.status === 401 || r.status === 403) throw new PreflightError(`the default credential was refused (${what} answered ${answered}); check the "default" role in --credentials against this implementation`);
  if (r.status === 429) throw new PreflightError(`the default credential is rate limited (${what} answered 429 after the allowed retries); wait for the limit to reset, then run again`);
  if (r.status === 404) {
    for (const other of reads.slice(1)) {
      const again = await http.call(other, exampleInput(ctx, other));
      if (again.status !== 404) return { operation: other.operationId, status: again.status };
    }
    const documented = target.contract.servers[0]?.url;
    const basePath = documented ? new URL(documented).pathname.replace(/\/$/, '') : '';
    throw new PreflightError(`every read answered 404 (${what} first): --base-url must include the API's base path${basePath ? ` (${basePath}, e.g. ${url.origin}${basePath})` : ''}`);
  }
  return { operation: op.operationId, status: r.status };
}
