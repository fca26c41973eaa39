/**
 * One sandbox core for the four providers: the generated router, the shared guards (rate limit,
 * auth + signature, the provider's extra guards), idempotency, the typed handlers, background
 * jobs, webhook delivery and the control API — all fed by the provider's declarations.
 */
import path from 'node:path';
import type { Hono } from 'hono';
import type { Provider } from '../contracts/providers.ts';
import { getScheme } from '../signing/schemes/index.ts';
import { SandboxClock } from './clock.ts';
import { mountControl } from './control.ts';
import { FaultBoard } from './faults.ts';
import { authGuard } from './guards.ts';
import { idempotencyMiddleware } from './idempotency.ts';
import { JobScheduler } from './jobs.ts';
import { principalOf, type ProviderSandbox, type SandboxContext, type SandboxCredential, type SandboxOptions } from './provider.ts';
import { rateLimitGuard } from './rate-limit.ts';
import { SandboxStore } from './store.ts';
import { WebhookDispatcher } from './webhooks.ts';

export interface SandboxInstance {
  app: Hono;
  /**
   * The HTTP handler (what `accord serve` listens with): the app's answer, sent once the writes
   * it made are committed (SandboxStore.committed: at the end of the event-loop turn).
   */
  handle: (request: Request, env?: unknown) => Promise<Response>;
  /** A fetch served by `handle` in process (tests, the embedded harness): no port involved. */
  fetch: typeof fetch;
  ctx: SandboxContext;
  credentials: Record<string, SandboxCredential>;
  /** Starts the background job loop (order lifecycle, webhook retries). */
  start(): void;
  close(): Promise<void>;
}

export interface CreateSandboxOptions extends SandboxOptions {
  /** Folder for the database; omitted: in memory. */
  dataDir?: string;
  baseUrl?: string;
}

const SEEDED = 'seeded-credentials';
const CLOCK = 'clock';

export function createSandbox(provider: Provider, declaration: ProviderSandbox, options: CreateSandboxOptions = {}): SandboxInstance {
  const store = new SandboxStore(options.dataDir ? path.join(options.dataDir, `${provider.id}.sqlite`) : ':memory:');
  const savedClock = store.getMeta(CLOCK);
  const clock = new SandboxClock(savedClock ? JSON.parse(savedClock) : {});
  // The clock is committed with the writes of the turn that changed it (an advance is durable once
  // answered), and a sped-up clock with every commit: what a record was stamped with is never
  // later than the clock a restart restores (sandbox/clock.ts takes the saved instant as a floor).
  const saveClock = () => store.setMeta(CLOCK, JSON.stringify(clock.state()));
  clock.onChange = saveClock;
  store.commitAlso(CLOCK, () => (clock.realSpeed ? undefined : JSON.stringify(clock.state())));
  const jobs = new JobScheduler(store, clock);
  const ctx: SandboxContext = {
    provider,
    contract: declaration.contract,
    store,
    clock,
    jobs,
    webhooks: null,
    faults: new FaultBoard(declaration.faults ?? {}),
    options,
    baseUrl: options.baseUrl ?? '',
  };
  const webhookScheme = declaration.contract.signing.webhooks;
  if (webhookScheme) {
    ctx.webhooks = new WebhookDispatcher(store, clock, jobs, {
      scheme: getScheme(webhookScheme).id,
      keyFor: (endpoint) => declaration.webhookKey?.(endpoint, ctx) ?? null,
      ...(declaration.deliveryId ? { deliveryId: () => declaration.deliveryId!() } : {}),
      ...((options.webhookTimeoutMs ?? declaration.webhookTimeoutMs) !== undefined ? { timeoutMs: (options.webhookTimeoutMs ?? declaration.webhookTimeoutMs)! } : {}),
    });
  }
  for (const [name, handler] of Object.entries(declaration.jobs?.(ctx) ?? {})) jobs.register(name, handler);

  const seeded = store.getMeta(SEEDED);
  const credentials: Record<string, SandboxCredential> = seeded ? JSON.parse(seeded) : store.transaction(() => declaration.seed(ctx));
  if (!seeded) store.setMeta(SEEDED, JSON.stringify(credentials));

  const guards = [
    ...(declaration.contract.rateLimit
      ? [
          rateLimitGuard(clock, {
            policy: declaration.contract.rateLimit,
            code: declaration.codes.rateLimited,
            callerOf: (call) => declaration.rateLimitCaller?.(call, ctx),
            ...(options.rateLimitScale !== undefined ? { scale: options.rateLimitScale } : {}),
            ...(options.rateLimitsDisabled ? { disabled: true } : {}),
          }),
        ]
      : []),
    authGuard(declaration, ctx),
    ...(declaration.guards?.(ctx) ?? []),
  ];
  const middleware = declaration.contract.idempotency
    ? [idempotencyMiddleware(store, clock, { policy: declaration.contract.idempotency, scopeOf: (call) => principalOf(call.state).key })]
    : [];
  const app = declaration.router({
    handlers: declaration.handlers(ctx),
    guards,
    middleware,
    ...(options.validateResponses !== undefined ? { validateResponses: options.validateResponses } : {}),
    ...(options.onResponseViolation ? { onResponseViolation: options.onResponseViolation } : {}),
  });
  mountControl(app, declaration, ctx, () => credentials);

  const handle = async (request: Request, env?: unknown): Promise<Response> => {
    const response = await app.fetch(request, env);
    await store.committed();
    return response;
  };
  return {
    app,
    handle,
    fetch: ((input: RequestInfo | URL, init?: RequestInit) => handle(new Request(input, init))) as typeof fetch,
    ctx,
    credentials,
    start: () => jobs.start(),
    close: async () => {
      await jobs.stop();
      saveClock();
      await store.close();
    },
  };
}
