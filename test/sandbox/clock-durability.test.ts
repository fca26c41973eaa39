// The business clock survives `kill -9` (issue 15, item 6): it is committed with the writes of the
// turn that moved it, so after a real SIGKILL of a sandbox process — right after an advance was
// answered, or while one is in flight — business time after the restart is never earlier than
// before it, and records made after the restart are never stamped earlier than those before.
import { afterEach, describe, expect, it } from 'vitest';
import { createStarshipClient, type StarshipCredentials } from '../../generated/starship/index.ts';
import { basePathOf } from '../../runtime/contract.ts';
import { SANDBOXES } from '../../sandbox/registry.ts';
import { tempDir } from '../support/fixtures.ts';
import { startSandboxChild, type SandboxChild } from './fixtures/child.ts';

let child: SandboxChild | undefined;
afterEach(async () => {
  await child?.stop();
  child = undefined;
});

const clockOf = async (c: SandboxChild) => (await (await fetch(`${c.urls.starship}/_accord/clock`)).json()) as { epochMs: number; offsetMs: number; scale: number };
const control = (c: SandboxChild, path: string, body: unknown) => fetch(`${c.urls.starship}/_accord${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

async function createOrder(c: SandboxChild): Promise<{ created_at: string }> {
  const cred = c.credentials.starship!.default!;
  const client = createStarshipClient({
    environment: c.urls.starship + basePathOf(SANDBOXES.starship!.contract),
    credentials: cred.credentials as unknown as StarshipCredentials,
    signing: { scheme: cred.signing!.scheme, secret: cred.signing!.secret! },
    retry: { maxRetries: 0 },
  });
  const res = await client.POST('/orders', { body: { product_id: 'amazon-gift-50', quantity: 1 } });
  expect(res.response.status).toBe(201);
  return res.data as { created_at: string };
}

describe('business time across kill -9', () => {
  it('an answered advance of +3600 s survives kill -9; the next order is not stamped earlier', { timeout: 60_000 }, async () => {
    const dir = tempDir('clock-kill');
    child = await startSandboxChild(['starship'], dir);
    const before = await createOrder(child);
    const advanced = await (await control(child, '/clock/advance', { seconds: 3600 })).json();
    expect(advanced.offsetMs).toBeGreaterThan(3_599_000);
    await child.kill9();

    child = await startSandboxChild(['starship'], dir);
    const after = await clockOf(child);
    expect(after.epochMs).toBeGreaterThanOrEqual(advanced.epochMs);
    expect(after.offsetMs).toBeGreaterThan(3_599_000);
    const next = await createOrder(child);
    expect(Date.parse(next.created_at)).toBeGreaterThanOrEqual(Date.parse(before.created_at) + 3_600_000);
  });

  it('kill -9 while advances are in flight, 5 rounds: business time after the restart is never earlier than before the advance', { timeout: 120_000 }, async () => {
    const dir = tempDir('clock-kill-inflight');
    for (let round = 0; round < 5; round++) {
      child = await startSandboxChild(['starship'], dir);
      const beforeAdvance = await clockOf(child);
      // Several advances in flight; the kill lands somewhere among them (a few ms in).
      const inFlight = Array.from({ length: 5 }, () => control(child!, '/clock/advance', { seconds: 600 }).then((r) => r.json(), () => null));
      await new Promise((r) => setTimeout(r, 2 + round * 3));
      await child.kill9();
      const answered = (await Promise.all(inFlight)).filter((a): a is { epochMs: number } => a !== null && typeof a.epochMs === 'number');
      child = await startSandboxChild(['starship'], dir);
      const after = await clockOf(child);
      expect(after.epochMs).toBeGreaterThanOrEqual(beforeAdvance.epochMs);
      // Every advance whose answer arrived is kept.
      for (const a of answered) expect(after.epochMs).toBeGreaterThanOrEqual(a.epochMs);
      await child.stop();
      child = undefined;
    }
  });

  it('a sped-up clock (scale 100): what was stamped and shown before kill -9 is not later than business time after it', { timeout: 60_000 }, async () => {
    const dir = tempDir('clock-kill-scale');
    child = await startSandboxChild(['starship'], dir);
    expect((await control(child, '/clock/scale', { scale: 100 })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300)); // 30 business seconds pass without any write
    const order = await createOrder(child);
    const shown = await clockOf(child);
    await child.kill9();
    child = await startSandboxChild(['starship'], dir);
    const after = await clockOf(child);
    expect(after.epochMs).toBeGreaterThanOrEqual(shown.epochMs);
    expect(after.epochMs).toBeGreaterThanOrEqual(Date.parse(order.created_at));
    expect(after.scale).toBe(100);
  });
});
