/**
 * iStar's own control routes, under /_accord next to the core's (tests only, never part of the
 * iStar API; every answer carries X-Accord-Control):
 *   POST /_accord/wallet/top-up {"owner", "to": amount}  credit the TON wallet up to `to` (nothing when it holds more)
 *
 * iStar funds wallets outside the API (the Developer Dashboard), so a harness run that spends the
 * wallet restores it here: the same state, hence the same verdict, run after run.
 */
import type { Context, Hono } from 'hono';
import { CONTROL_PREFIX } from '../../../sandbox/control.ts';
import type { SandboxContext } from '../../../sandbox/provider.ts';

interface Wallet {
  wallet_id: string;
  balance: number;
  updated_at: string;
}

const reply = (c: Context, body: object, status: 200 | 400 | 404 = 200) => {
  c.header('X-Accord-Control', '1');
  return c.json(body, status);
};

export function mountIStarControl(app: Hono, ctx: SandboxContext): void {
  app.post(`${CONTROL_PREFIX}/wallet/top-up`, async (c) => {
    let body: Record<string, unknown> | null = null;
    try {
      const parsed: unknown = JSON.parse((await c.req.text()) || '{}');
      body = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
    } catch {
      body = null;
    }
    if (!body || typeof body.owner !== 'string') return reply(c, { error: 'bad_request', message: "owner is required (a credential's extra.owner)" }, 400);
    if (typeof body.to !== 'number' || !Number.isFinite(body.to) || !(body.to >= 0)) return reply(c, { error: 'bad_request', message: 'to must be a non-negative TON amount, e.g. 1250.75' }, 400);
    const wallet = ctx.store.get<Wallet>('wallet', body.owner);
    if (!wallet) return reply(c, { error: 'not_found', message: `no wallet for ${body.owner}` }, 404);
    const credited = Math.max(0, Math.round((body.to - wallet.balance) * 100) / 100);
    if (credited > 0) ctx.store.put<Wallet>('wallet', body.owner, { ...wallet, balance: body.to, updated_at: ctx.clock.iso() }, { owner: body.owner });
    return reply(c, { owner: body.owner, balance: credited > 0 ? body.to : wallet.balance, credited });
  });
}
