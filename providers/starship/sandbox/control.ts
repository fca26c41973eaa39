/**
 * Starship's own control routes, under /_accord next to the core's (tests only, never part of
 * the Starship API; every answer carries X-Accord-Control):
 *   POST /_accord/reconciliation/drifts  {"order_id", "kind"?, "voucher_id"?, "vendor_record"?, "resolution"?, "detected_at"?}
 *   GET  /_accord/reconciliation/drifts
 *   POST /_accord/inventory              {"product_id", "cache"?: n, "available"?: bool}
 *   POST /_accord/webhooks/{webhook_id}/forward {"url": "http://127.0.0.1:…"}  deliver an API-registered endpoint's events elsewhere
 *   POST /_accord/wallet/top-up          {"partner_id", "to": amount}  credit the wallet up to `to` (a `credit` transaction; nothing when it holds more)
 *
 * Starship has no API to fund a wallet (the docs: "Top up the wallet" happens outside the API), so
 * a harness run that spends it restores it here: the same state, hence the same verdict, run after run.
 */
import type { Context, Hono } from 'hono';
import { CONTROL_PREFIX, webhookUrlProblem } from '../../../sandbox/control.ts';
import type { SandboxContext } from '../../../sandbox/provider.ts';
import { KIND, type DriftRecord, type ProductRecord } from './model.ts';
import { injectDrift } from './reconciliation.ts';
import { book, walletOf } from './wallet.ts';
import { forwardEndpoint } from './webhooks.ts';
import { fromCents, toCents } from './model.ts';

const reply = (c: Context, body: object, status: 200 | 201 | 400 | 404 = 200) => {
  c.header('X-Accord-Control', '1');
  return c.json(body, status);
};

async function jsonObject(c: Context): Promise<Record<string, unknown> | null> {
  try {
    const parsed: unknown = JSON.parse((await c.req.text()) || '{}');
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Mounts the routes listed above on the sandbox app. */
export function mountStarshipControl(app: Hono, ctx: SandboxContext): void {
  const bad = (c: Context, message: string) => reply(c, { error: 'bad_request', message }, 400);

  app.post(`${CONTROL_PREFIX}/reconciliation/drifts`, async (c) => {
    const body = await jsonObject(c);
    if (!body) return bad(c, 'body must be a JSON object');
    const result = injectDrift(ctx, body);
    return typeof result === 'string' ? bad(c, result) : reply(c, { drift: result }, 201);
  });
  app.get(`${CONTROL_PREFIX}/reconciliation/drifts`, (c) => reply(c, { drifts: ctx.store.list<DriftRecord>(KIND.drift) }));

  app.post(`${CONTROL_PREFIX}/inventory`, async (c) => {
    const body = await jsonObject(c);
    if (!body || typeof body.product_id !== 'string') return bad(c, 'product_id is required');
    const product = ctx.store.get<ProductRecord>(KIND.product, body.product_id);
    if (!product) return reply(c, { error: 'not_found', message: `no product ${body.product_id}` }, 404);
    if (body.cache !== undefined && !(Number.isInteger(body.cache) && (body.cache as number) >= 0)) return bad(c, 'cache must be a non-negative integer');
    if (body.available !== undefined && typeof body.available !== 'boolean') return bad(c, 'available must be a boolean');
    const next: ProductRecord = { ...product, ...(body.cache !== undefined ? { cacheStock: body.cache as number } : {}), ...(body.available !== undefined ? { available: body.available as boolean } : {}) };
    ctx.store.put(KIND.product, next.product_id, next);
    return reply(c, { product_id: next.product_id, cache: next.cacheStock, available: next.available });
  });

  app.post(`${CONTROL_PREFIX}/wallet/top-up`, async (c) => {
    const body = await jsonObject(c);
    if (!body || typeof body.partner_id !== 'string') return bad(c, 'partner_id is required (a credential\'s extra.owner)');
    if (typeof body.to !== 'number' || !(body.to >= 0) || !Number.isFinite(body.to)) return bad(c, 'to must be a non-negative amount in the wallet currency, e.g. 12500');
    if (!ctx.store.get(KIND.wallet, body.partner_id)) return reply(c, { error: 'not_found', message: `no wallet for partner ${body.partner_id}` }, 404);
    const wallet = walletOf(ctx, body.partner_id);
    const missing = toCents(body.to) - wallet.balanceCents;
    const txn = missing > 0 ? ctx.store.transaction(() => book(ctx, body.partner_id as string, { type: 'credit', cents: missing, description: 'Sandbox top-up (control API)' })) : null;
    return reply(c, { partner_id: body.partner_id, balance: fromCents(walletOf(ctx, body.partner_id).balanceCents), credited: fromCents(Math.max(0, missing)), transaction_id: txn?.transaction_id ?? null });
  });

  app.post(`${CONTROL_PREFIX}/webhooks/:webhook_id/forward`, async (c) => {
    const body = await jsonObject(c);
    if (!body) return bad(c, 'body must be a JSON object: {"url": "http(s)://..."}');
    const problem = webhookUrlProblem(body.url);
    if (problem || typeof body.url !== 'string') return bad(c, problem ?? 'url must be an http(s) URL');
    if (!forwardEndpoint(ctx, c.req.param('webhook_id'), body.url)) return reply(c, { error: 'not_found', message: `no webhook endpoint ${c.req.param('webhook_id')}` }, 404);
    return reply(c, { webhook_id: c.req.param('webhook_id'), forwarded_to: body.url });
  });
}
