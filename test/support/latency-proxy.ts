/**
 * A proxy that adds latency in front of an implementation: every request waits `delayMs` before it
 * is forwarded (the worst case for signature windows: the server reads the timestamp that much later).
 */
import { listenFetch } from '../../harness/dredd/serve.ts';

export interface LatencyProxy {
  /** The upstream URL with the proxy's origin (same path). */
  url: string;
  close(): Promise<void>;
}

export async function startLatencyProxy(upstream: string, delayMs: number): Promise<LatencyProxy> {
  const target = new URL(upstream);
  const listening = await listenFetch(async (req) => {
    const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : await req.arrayBuffer();
    await new Promise((r) => setTimeout(r, delayMs));
    const url = new URL(req.url);
    const headers = new Headers(req.headers);
    headers.delete('host');
    const res = await fetch(`${target.origin}${url.pathname}${url.search}`, { method: req.method, headers, ...(body ? { body } : {}) });
    return new Response(await res.arrayBuffer(), { status: res.status, headers: res.headers });
  });
  return { url: listening.origin + target.pathname.replace(/\/$/, ''), close: listening.close };
}
