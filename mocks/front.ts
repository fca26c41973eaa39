/**
 * What stands in front of each Prism mock: accord's generated router (the one the sandboxes and
 * server stubs use) validates every request and answers an invalid one in the provider's own
 * envelope with its documented 400 code (a missing Idempotency-Key gets the provider's own code);
 * a valid request goes on to Prism, whose answer is passed back unchanged. Prism alone answers
 * invalid requests with the operation's first 422 example or `{"error":{"code":"invalid_json"}}`.
 */
import type { Hono } from 'hono';
import type { Provider } from '../contracts/providers.ts';
import type { AnyHandler, HandlerResult } from '../runtime/server/router.ts';
import { SANDBOXES } from '../sandbox/registry.ts';

/** Headers that describe one hop, not the answer. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'date', 'host']);

export function mockFront(provider: Provider, prismOrigin: string): Hono {
  const declaration = SANDBOXES[provider.id];
  if (!declaration) throw new Error(`no generated router for ${provider.id}`);
  const forward: AnyHandler = async (req: { raw: Request; rawBody: Uint8Array }): Promise<HandlerResult> => {
    const url = new URL(req.raw.url);
    const headers = new Headers();
    req.raw.headers.forEach((value, name) => {
      if (!HOP_BY_HOP.has(name)) headers.set(name, value);
    });
    const res = await fetch(prismOrigin + url.pathname + url.search, { method: req.raw.method, headers, ...(req.rawBody.byteLength ? { body: req.rawBody.slice() } : {}) });
    const text = await res.text();
    const out: Record<string, string> = {};
    res.headers.forEach((value, name) => {
      if (!HOP_BY_HOP.has(name)) out[name] = value;
    });
    return { status: res.status, headers: out, ...(text ? { raw: text } : {}) };
  };
  return declaration.router({ handlers: Object.fromEntries(declaration.contract.operations.map((op) => [op.operationId, forward])) });
}
