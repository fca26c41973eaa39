/**
 * SIR Giving's control route (tests only, under /_accord): the admin steps accord does not model
 * as endpoints (D11: "Admin allocates initial token pool") — book an ALLOCATION, ADJUSTMENT or
 * EXPIRATION on a dataset's pool.
 */
import type { Hono } from 'hono';
import { CONTROL_PREFIX } from '../../../sandbox/control.ts';
import type { SandboxContext } from '../../../sandbox/provider.ts';
import { book, poolOf, presentPool } from './datasets.ts';
import { datasetOf, KIND, type PartnerRecord } from './records.ts';

const TYPES = { ALLOCATION: 'CREDIT', ADJUSTMENT: null, EXPIRATION: 'DEBIT' } as const;

/** POST /_accord/token-pool {"tokens", "type"?, "direction"?, "partnerId"?, "environment"?, "description"?}. */
export function mountSirGivingControl(app: Hono, ctx: SandboxContext): void {
  app.post(`${CONTROL_PREFIX}/token-pool`, async (c) => {
    c.header('X-Accord-Control', '1');
    let body: Record<string, any>;
    try {
      const parsed = JSON.parse((await c.req.text()) || '{}');
      body = parsed && typeof parsed === 'object' ? parsed : {};
    } catch {
      return c.json({ error: 'bad_request', message: 'body must be JSON' }, 400);
    }
    const partnerId = typeof body.partnerId === 'string' ? body.partnerId : ctx.store.list<PartnerRecord>(KIND.partner)[0]?.id;
    const environment = body.environment === 'live' ? 'live' : 'test';
    const type = (body.type ?? 'ALLOCATION') as keyof typeof TYPES;
    if (!Object.hasOwn(TYPES, type)) return c.json({ error: 'bad_request', message: 'type must be ALLOCATION, ADJUSTMENT or EXPIRATION' }, 400);
    // ADJUSTMENT goes either way (default CREDIT); the other two have a fixed direction.
    const direction = TYPES[type] ?? (body.direction === 'DEBIT' ? 'DEBIT' : 'CREDIT');
    if (!Number.isSafeInteger(body.tokens) || body.tokens < 1) return c.json({ error: 'bad_request', message: 'tokens must be a positive integer' }, 400);
    const dataset = datasetOf(partnerId ?? '', environment);
    if (!ctx.store.get(KIND.pool, dataset)) return c.json({ error: 'bad_request', message: `no ${environment} pool for partner ${partnerId}` }, 400);
    try {
      const transaction = ctx.store.transaction(() => book(ctx, dataset, { type, direction, tokens: body.tokens, description: typeof body.description === 'string' ? body.description : null }));
      return c.json({ transaction, pool: presentPool(poolOf(ctx, dataset)) }, 201);
    } catch (err) {
      return c.json({ error: 'bad_request', message: (err as Error).message }, 400);
    }
  });
}
