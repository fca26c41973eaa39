// Bounded memory under hostile clients (issue 15, items 1 and 2), measured on a sandbox process of
// its own: 20,000 unauthenticated requests, each with a new 15 KB API key, to each of Starship,
// iStar and SIR Giving, and 8 concurrent 50 MB chunked uploads. Each key gets its 401 and each
// upload its 413 in the provider's envelope, and the sandbox's RSS after the run (after a GC, once
// idle) stays within RSS_BOUND_MB of its idle RSS before it.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basePathOf } from '../../runtime/contract.ts';
import { SANDBOXES } from '../../sandbox/registry.ts';
import { startSandboxChild, type SandboxChild } from './fixtures/child.ts';

const RSS_BOUND_MB = 64;
const KEYS = 20_000;
const KEY_BYTES = 15_000;
const UPLOADS = 8;
const UPLOAD_BYTES = 50 * 1024 * 1024;
const CONCURRENCY = 16;

/** Each provider's API-key header and one authenticated GET (the key is refused with 401). */
const TARGETS = [
  { provider: 'starship', header: 'X-API-Key', path: '/wallet' },
  { provider: 'istar', header: 'API-Key', path: '/wallet/balance' },
  { provider: 'sirgiving', header: 'X-Partner-Key', path: '/transactions' },
] as const;

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function request(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { agent, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A chunked POST of `total` bytes, written as fast as the server reads; resolves with the status. */
function chunkedUpload(url: string, total: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    let status = 0;
    const req = http.request(url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' } }, (res) => {
      status = res.statusCode ?? 0;
      res.resume();
      res.on('end', () => resolve(status));
    });
    req.on('error', (e) => (status ? resolve(status) : reject(e)));
    const pump = () => {
      while (sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

let child: SandboxChild;
beforeAll(async () => {
  child = await startSandboxChild(TARGETS.map((t) => t.provider), null);
}, 60_000);
afterAll(async () => {
  agent.destroy();
  await child.stop();
});

describe('memory stays bounded', () => {
  it(`${KEYS} distinct ${KEY_BYTES / 1000} KB keys per provider and ${UPLOADS} concurrent 50 MB chunked uploads: RSS within +${RSS_BOUND_MB} MB of idle`, { timeout: 240_000 }, async () => {
    // Warm up (first requests compile validators, JIT) before taking the idle figure.
    for (const t of TARGETS) for (let i = 0; i < 200; i++) await request(`${child.urls[t.provider]}${basePathOf(SANDBOXES[t.provider]!.contract)}${t.path}`, { [t.header]: `warm-${i}-${'w'.repeat(KEY_BYTES)}` });
    const idle = await child.rss();

    const statuses = new Map<number, number>();
    for (const t of TARGETS) {
      const url = `${child.urls[t.provider]}${basePathOf(SANDBOXES[t.provider]!.contract)}${t.path}`;
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < KEYS) {
            const i = next++;
            // A fresh string each time: distinct keys, 15 KB each.
            const res = await request(url, { [t.header]: `${i.toString(36)}-${t.provider}-`.padEnd(KEY_BYTES, String.fromCharCode(97 + (i % 26))) });
            statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          }
        }),
      );
    }
    const uploadUrl = `${child.urls.starship}${basePathOf(SANDBOXES.starship!.contract)}/orders`;
    const uploads = await Promise.all(Array.from({ length: UPLOADS }, () => chunkedUpload(uploadUrl, UPLOAD_BYTES)));
    await new Promise((r) => setTimeout(r, 1000));
    const after = await child.rss();
    const grewMb = (after - idle) / 1024 / 1024;
    console.log(`sandbox RSS: idle ${(idle / 1048576).toFixed(0)} MB, after ${(after / 1048576).toFixed(0)} MB (+${grewMb.toFixed(1)} MB); statuses ${JSON.stringify(Object.fromEntries(statuses))}; uploads ${uploads.join(',')}`);
    expect([...statuses.keys()]).toEqual([401]);
    expect(uploads).toEqual(Array(UPLOADS).fill(413));
    expect(grewMb).toBeLessThan(RSS_BOUND_MB);
  });
});
