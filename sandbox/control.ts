/**
 * The control API for tests, under /_accord on every sandbox — outside the provider's paths and
 * marked by the X-Accord-Control header on every answer: the clock, jobs, forced failures,
 * webhook endpoints and deliveries, credentials.
 */
import { randomUUID } from 'node:crypto';
import type { Context, Hono } from 'hono';
import type { ProviderSandbox, SandboxContext, SandboxCredential } from './provider.ts';

export const CONTROL_PREFIX = '/_accord';

const reply = (c: Context, body: unknown, status = 200) => {
  c.header('X-Accord-Control', '1');
  return c.json(body as object, status as 200);
};

async function jsonBody(c: Context): Promise<Record<string, any>> {
  const text = await c.req.text();
  if (!text) return {};
  try {
    const parsed = JSON.parse(text);
    return parsed && typeof parsed === 'object' ? parsed : {};
  } catch {
    return { __invalid: true };
  }
}

export function mountControl(app: Hono, provider: ProviderSandbox, ctx: SandboxContext, credentials: () => Record<string, SandboxCredential>): void {
  const bad = (c: Context, message: string) => reply(c, { error: 'bad_request', message }, 400);
  const clock = () => ({ now: ctx.clock.iso(), epochMs: Math.floor(ctx.clock.now()), ...ctx.clock.state() });

  app.get(CONTROL_PREFIX, (c) =>
    reply(c, {
      provider: ctx.provider.id,
      note: 'accord sandbox control API (tests only; not part of the provider API)',
      endpoints: [
        'GET  /_accord/clock',
        'POST /_accord/clock/advance {"seconds": n}',
        'POST /_accord/clock/scale {"scale": n}',
        'POST /_accord/jobs/run',
        'GET  /_accord/faults',
        'POST /_accord/faults {"name": "...", "count": 1}',
        'GET  /_accord/deliveries?event=&status=',
        'POST /_accord/webhook-endpoints {"url": "...", "owner"?: "...", "events"?: [...], "secret"?: "..."}',
        'DELETE /_accord/webhook-endpoints/{id}',
        'GET  /_accord/credentials',
      ],
    }),
  );
  app.get(`${CONTROL_PREFIX}/clock`, (c) => reply(c, clock()));
  app.post(`${CONTROL_PREFIX}/clock/advance`, async (c) => {
    const { seconds } = await jsonBody(c);
    if (typeof seconds !== 'number' || !(seconds >= 0)) return bad(c, 'seconds must be a non-negative number');
    ctx.clock.advance(seconds * 1000);
    const ran = await ctx.jobs.runDue();
    return reply(c, { ...clock(), jobsRun: ran });
  });
  app.post(`${CONTROL_PREFIX}/clock/scale`, async (c) => {
    const { scale } = await jsonBody(c);
    if (typeof scale !== 'number' || !(scale > 0)) return bad(c, 'scale must be a positive number');
    ctx.clock.setScale(scale);
    return reply(c, clock());
  });
  app.post(`${CONTROL_PREFIX}/jobs/run`, async (c) => reply(c, { jobsRun: await ctx.jobs.runDue(), pending: ctx.jobs.pending() }));
  app.get(`${CONTROL_PREFIX}/faults`, (c) => reply(c, { faults: ctx.faults.list() }));
  app.post(`${CONTROL_PREFIX}/faults`, async (c) => {
    const { name, count } = await jsonBody(c);
    if (typeof name !== 'string') return bad(c, 'name is required');
    try {
      ctx.faults.arm(name, typeof count === 'number' && count > 0 ? Math.floor(count) : 1);
    } catch (err) {
      return bad(c, (err as Error).message);
    }
    return reply(c, { faults: ctx.faults.list() });
  });
  app.get(`${CONTROL_PREFIX}/deliveries`, (c) => {
    const event = c.req.query('event');
    const status = c.req.query('status');
    const deliveries = (ctx.webhooks?.deliveries() ?? []).filter((d) => (!event || d.event === event) && (!status || d.status === status));
    return reply(c, { deliveries });
  });
  app.post(`${CONTROL_PREFIX}/webhook-endpoints`, async (c) => {
    if (!ctx.webhooks) return bad(c, `${ctx.provider.id} sends no webhooks`);
    const body = await jsonBody(c);
    if (typeof body.url !== 'string' || !/^https?:\/\//.test(body.url)) return bad(c, 'url must be an http(s) URL');
    const owner = typeof body.owner === 'string' ? body.owner : defaultOwner(credentials());
    const endpoint = {
      id: `whe_${randomUUID().replace(/-/g, '').slice(0, 20)}`,
      owner,
      url: body.url,
      events: Array.isArray(body.events) ? body.events.map(String) : [],
      ...(typeof body.secret === 'string' ? { secret: body.secret } : {}),
      createdAt: ctx.clock.iso(),
    };
    ctx.webhooks.addEndpoint(endpoint);
    return reply(c, { endpoint: { ...endpoint, secret: endpoint.secret ? '(set)' : undefined } }, 201);
  });
  app.delete(`${CONTROL_PREFIX}/webhook-endpoints/:id`, (c) => {
    if (!ctx.webhooks) return bad(c, `${ctx.provider.id} sends no webhooks`);
    const removed = ctx.webhooks.removeEndpoint(c.req.param('id'));
    return reply(c, { removed }, removed ? 200 : 404);
  });
  app.get(`${CONTROL_PREFIX}/credentials`, (c) => reply(c, { credentials: credentials() }));
  provider.control?.(app, ctx);
}

function defaultOwner(credentials: Record<string, SandboxCredential>): string {
  return Object.values(credentials)[0]?.extra?.owner ?? 'default';
}
