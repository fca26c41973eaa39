// Restoring what a run spends: the wallet top-up control routes (Starship, iStar) refuse bad input
// with a 400 that says what to fix, and top a spent wallet up to the amount asked (never down).
import { afterAll, describe, expect, it } from 'vitest';
import { serveSandbox, type ServedSandbox } from '../../harness/dredd/serve.ts';

const served: ServedSandbox[] = [];
afterAll(async () => {
  for (const s of served) await s.close();
});

const post = async (s: ServedSandbox, path: string, body: unknown) => {
  const res = await fetch(`${s.controlUrl}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as any };
};

describe.each([
  { provider: 'starship' as const, owner: 'partner_id', ownerOf: (s: ServedSandbox) => s.credentials.default!.extra!.owner!, seeded: 12_500 },
  { provider: 'istar' as const, owner: 'owner', ownerOf: (s: ServedSandbox) => s.credentials.default!.extra!.owner!, seeded: 1250.75 },
])('$provider: POST /_accord/wallet/top-up', ({ provider, owner, ownerOf, seeded }) => {
  it.each([
    { given: 'no body', body: '', want: { status: 400, message: new RegExp(`${owner} is required`) } },
    { given: 'a negative amount', body: { to: -1 }, withOwner: true, want: { status: 400, message: /to must be a non-negative/ } },
    { given: 'an amount that is not a number', body: { to: '100' }, withOwner: true, want: { status: 400, message: /to must be a non-negative/ } },
    { given: 'an unknown owner', body: { [owner]: 'nobody', to: 10 }, want: { status: 404, message: /nobody/ } },
  ])('$given → $want.status', async ({ body, withOwner, want }) => {
    const s = await serveSandbox(provider);
    served.push(s);
    const r = await post(s, '/wallet/top-up', withOwner && typeof body === 'object' ? { [owner]: ownerOf(s), ...body } : body);
    expect(r.status).toBe(want.status);
    expect(r.json.message).toMatch(want.message);
  });

  it('tops the seeded wallet up to the amount asked, never down', async () => {
    const s = await serveSandbox(provider);
    served.push(s);
    const up = await post(s, '/wallet/top-up', { [owner]: ownerOf(s), to: seeded + 100 });
    expect(up.status).toBe(200);
    expect(up.json).toMatchObject({ balance: seeded + 100, credited: 100 });
    const down = await post(s, '/wallet/top-up', { [owner]: ownerOf(s), to: 1 });
    expect(down.json).toMatchObject({ balance: seeded + 100, credited: 0 });
  });
});
