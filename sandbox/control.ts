/**
 * The control API for tests, under /_accord on every sandbox — outside the provider's paths and
 * marked by the X-Accord-Control header on every answer: the clock, jobs, forced failures,
 * webhook endpoints and deliveries, credentials.
 *
 * Inputs are validated like provider inputs: a bad one gets 400 with what to fix, and changes
 * nothing. When the sandbox listens beyond loopback it has a control token (sandbox/serve.ts), and
 * every control call must carry it in X-Accord-Control-Token. The index (`GET /_accord`) is built
 * from the routes actually mounted, so a provider's own control routes are listed too.
 */
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { SandboxClock } from './clock.ts';
import type { ProviderSandbox, SandboxContext, SandboxCredential } from './provider.ts';

export const CONTROL_PREFIX = '/_accord';
/** The header carrying the control token (agreed with the harness, which sends it). */
export const CONTROL_TOKEN_HEADER = 'X-Accord-Control-Token';

/** What each core route takes; provider routes are listed by method and path. */
const DESCRIPTIONS: Record<string, string> = {
  'GET /_accord': 'this index',
  'GET /_accord/clock': 'business time',
  'POST /_accord/clock/advance': '{"seconds": n} jump business time forward (runs the jobs now due)',
  'POST /_accord/clock/scale': '{"scale": n} business ms per real ms (0.001 to 100000)',
  'POST /_accord/clock/reset': 'back to real time at real speed (records already stamped later keep their times)',
  'POST /_accord/jobs/run': 'run the jobs now due',
  'GET /_accord/faults': 'failures a test can force, and how many are armed',
  'POST /_accord/faults': '{"name": "...", "count": 1} arm a failure',
  'GET /_accord/deliveries': '?event=&status= webhook deliveries',
  'POST /_accord/webhook-endpoints': '{"url": "http(s)://...", "owner"?: "...", "events"?: [...], "secret"?: "..."}',
  'DELETE /_accord/webhook-endpoints/{id}': 'remove a webhook endpoint',
  'GET /_accord/credentials': 'the test credentials (full values)',
};

const reply = (c: Context, body: unknown, status = 200) => {
  c.header('X-Accord-Control', '1');
  return c.json(body as object, status as 200);
};

async function jsonBody(c: Context): Promise<Record<string, any> | null> {
  const text = await c.req.text();
  if (!text) return {};
  try {
    const parsed = JSON.parse(text);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

/** Why `url` cannot take webhook deliveries, or null: it must parse as an absolute http(s) URL with a host. */
export function webhookUrlProblem(url: unknown): string | null {
  if (typeof url !== 'string') return 'url must be an http(s) URL';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `url "${url.slice(0, 200)}" is not a valid URL; send an absolute http(s) URL such as http://127.0.0.1:8080/hooks`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return `url must use http or https, not ${parsed.protocol.replace(/:$/, '')}`;
  if (!parsed.hostname) return 'url must name a host';
  return null;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Hono's `:id` as the spec's `{id}`. */
const templated = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

export function mountControl(app: Hono, provider: ProviderSandbox, ctx: SandboxContext, credentials: () => Record<string, SandboxCredential>): void {
  const bad = (c: Context, message: string) => reply(c, { error: 'bad_request', message }, 400);
  const clock = () => ({ now: ctx.clock.iso(), epochMs: Math.floor(ctx.clock.now()), ...ctx.clock.state() });

  const token = ctx.options.controlToken;
  if (token) {
    const expected = digest(token);
    const guard = async (c: Context, next: () => Promise<void>) => {
      const given = c.req.header(CONTROL_TOKEN_HEADER);
      if (given === undefined || !timingSafeEqual(digest(given), expected)) {
        return reply(c, { error: 'unauthorized', message: `the control API needs the control token in ${CONTROL_TOKEN_HEADER} (accord serve prints it, and writes it to the credentials file as providers.${ctx.provider.id}.controlToken)` }, 401);
      }
      await next();
      return undefined;
    };
    app.use(CONTROL_PREFIX, guard);
    app.use(`${CONTROL_PREFIX}/*`, guard);
  }

  app.get(CONTROL_PREFIX, (c) =>
    reply(c, {
      provider: ctx.provider.id,
      note: 'accord sandbox control API (tests only; not part of the provider API)',
      ...(token ? { token: `every call sends ${CONTROL_TOKEN_HEADER}` } : {}),
      endpoints: controlEndpoints(app).map(({ method, path }) => {
        const description = DESCRIPTIONS[`${method} ${path}`];
        return `${method.padEnd(6)} ${path}${description ? `  ${description}` : ''}`;
      }),
    }),
  );
  app.get(`${CONTROL_PREFIX}/clock`, (c) => {
    // A sped-up clock moves without writes: what a test was shown is saved too (committed before the answer).
    if (!ctx.clock.realSpeed) ctx.clock.onChange?.();
    return reply(c, clock());
  });
  app.post(`${CONTROL_PREFIX}/clock/advance`, async (c) => {
    const body = await jsonBody(c);
    if (!body) return bad(c, 'send a JSON object: {"seconds": n}');
    const { seconds } = body;
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) return bad(c, 'seconds must be a finite, non-negative number');
    const problem = ctx.clock.advanceProblem(seconds * 1000);
    if (problem) return bad(c, `seconds: ${problem}`);
    ctx.clock.advance(seconds * 1000);
    const ran = await ctx.jobs.runDue();
    return reply(c, { ...clock(), jobsRun: ran });
  });
  app.post(`${CONTROL_PREFIX}/clock/scale`, async (c) => {
    const body = await jsonBody(c);
    if (!body) return bad(c, 'send a JSON object: {"scale": n}');
    const problem = SandboxClock.scaleProblem(body.scale);
    if (problem) return bad(c, problem);
    ctx.clock.setScale(body.scale);
    return reply(c, clock());
  });
  app.post(`${CONTROL_PREFIX}/clock/reset`, (c) => {
    ctx.clock.reset();
    return reply(c, clock());
  });
  app.post(`${CONTROL_PREFIX}/jobs/run`, async (c) => reply(c, { jobsRun: await ctx.jobs.runDue(), pending: ctx.jobs.pending() }));
  app.get(`${CONTROL_PREFIX}/faults`, (c) => reply(c, { faults: ctx.faults.list() }));
  app.post(`${CONTROL_PREFIX}/faults`, async (c) => {
    const body = await jsonBody(c);
    if (!body) return bad(c, 'send a JSON object: {"name": "...", "count": 1}');
    const { name, count } = body;
    if (typeof name !== 'string') return bad(c, 'name is required');
    if (count !== undefined && !(Number.isInteger(count) && count >= 1 && count <= 1_000_000)) return bad(c, 'count must be an integer from 1 to 1000000');
    try {
      ctx.faults.arm(name, count ?? 1);
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
    if (!body) return bad(c, 'send a JSON object: {"url": "http(s)://..."}');
    const problem = webhookUrlProblem(body.url);
    if (problem) return bad(c, problem);
    if (body.events !== undefined && !(Array.isArray(body.events) && body.events.every((e: unknown) => typeof e === 'string'))) return bad(c, 'events must be an array of event names');
    const owner = typeof body.owner === 'string' ? body.owner : defaultOwner(credentials());
    const endpoint = {
      id: `whe_${randomUUID().replace(/-/g, '').slice(0, 20)}`,
      owner,
      url: body.url as string,
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

/** The control routes mounted on `app`, in the order they were mounted (middleware left out). */
export function controlEndpoints(app: Hono): Array<{ method: string; path: string }> {
  const seen = new Set<string>();
  const out: Array<{ method: string; path: string }> = [];
  for (const route of app.routes) {
    if (route.method === 'ALL' || !(route.path === CONTROL_PREFIX || route.path.startsWith(`${CONTROL_PREFIX}/`))) continue;
    const entry = { method: route.method, path: templated(route.path) };
    const key = `${entry.method} ${entry.path}`;
    if (!seen.has(key)) out.push(entry);
    seen.add(key);
  }
  return out;
}

function defaultOwner(credentials: Record<string, SandboxCredential>): string {
  return Object.values(credentials)[0]?.extra?.owner ?? 'default';
}
