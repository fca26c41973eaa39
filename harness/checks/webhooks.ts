/**
 * Webhooks: the harness starts a local receiver, registers it (the provider's API where it has one,
 * else the sandbox control API), makes the implementation send events (trigger flows, business
 * time advanced through the control API), and judges every delivery: the signature with the
 * provider's webhook scheme (the generated verifier), the payload against the spec's webhook
 * schema, no voucher code anywhere in it. The receiver refuses the first deliveries on purpose:
 * each refused event must come again with the same event id, and in the end every event must have
 * been acknowledged. How each provider registers, signs and identifies events is data
 * (`WEBHOOKS` in harness/providers/<provider>.ts).
 */
import { randomBytes } from 'node:crypto';
import { pointerOf } from '../../contracts/walk.ts';
import { WebhookPayloadError } from '../../runtime/webhooks.ts';
import { SignatureVerificationError } from '../../signing/errors.ts';
import { startReceiver, type ReceivedDelivery, type Receiver } from '../receiver.ts';
import { createRedactor } from '../redact.ts';
import type { Check, CheckContext, Exchange } from '../types.ts';
import {
  advance,
  businessNow,
  containsCode,
  control,
  FlowError,
  flowSkipReason,
  newScope,
  redactExchange,
  resolve,
  runCleanup,
  runFlow,
  runStep,
  select,
} from './steps.ts';
import type { ControlCall, FlowDeclaration, FlowScope, FlowStep, Value, WebhookDeclaration } from '../declarations.ts';
import { harnessOf } from '../registry.ts';
export type { WebhookDeclaration, WebhookTrigger } from '../declarations.ts';

/** A provider's webhook declaration (harness/providers/<provider>.ts, through the registry). */
export const webhooksOf = (provider: string): WebhookDeclaration | undefined => harnessOf(provider).webhooks;

/** How many deliveries the receiver refuses (500) before it starts acknowledging. */
export const REFUSE_FIRST = 2;
/** Environment: a public https URL that reaches the local receiver (a tunnel), for APIs that accept only https. */
export const PUBLIC_URL_ENV = 'ACCORD_WEBHOOK_PUBLIC_URL';
/** Environment: the port the local receiver listens on (default: any free port). */
export const PORT_ENV = 'ACCORD_WEBHOOK_PORT';
const MAX_SETTLE_ROUNDS = 60;
/** Business time the check lets pass, in doubling steps, while an expected event has not even been queued. */
const MAX_IDLE_ADVANCE_S = 600;

// ---------------------------------------------------------------------------------------------
// Judging deliveries

interface Judged {
  delivery: ReceivedDelivery;
  event: string | undefined;
  eventId: string | undefined;
  deliveryId: string | undefined;
  problems: string[];
}

function eventIdOf(decl: WebhookDeclaration, d: ReceivedDelivery, payload: unknown): string | undefined {
  if ('header' in decl.eventId) return d.headers[decl.eventId.header.toLowerCase()];
  const v = select(payload, decl.eventId.pointer)[0];
  return v === undefined || v === null ? undefined : String(v);
}

function judge(ctx: CheckContext, decl: WebhookDeclaration, key: { secret?: string; publicKey?: string }, scope: FlowScope, d: ReceivedDelivery): Judged {
  const text = d.body.toString('utf8');
  let payload: any;
  try {
    payload = JSON.parse(text);
  } catch {
    payload = undefined;
  }
  const problems: string[] = [];
  let event: string | undefined = typeof payload?.event === 'string' ? payload.event : typeof payload?.event_type === 'string' ? payload.event_type : typeof payload?.type === 'string' ? payload.type : undefined;
  let deliveryId: string | undefined;
  try {
    const verified = decl.verify({ headers: d.headers, rawBody: d.body, ...key });
    event = verified.event;
    deliveryId = verified.deliveryId;
  } catch (err) {
    if (err instanceof SignatureVerificationError) {
      problems.push(`signature: ${err.code} — ${err.message}`);
      // The verifier stops at the signature: judge the payload on its own too.
      problems.push(...payloadProblems(ctx, event, payload));
    } else if (err instanceof WebhookPayloadError) problems.push(`payload: ${err.message}`);
    else throw err;
  }
  if (d.method !== 'POST') problems.push(`delivered with ${d.method}, expected POST`);
  for (const [code, from] of scope.codes) if (containsCode(text, code)) problems.push(`the payload carries a voucher code (from ${from}); codes must never travel in webhooks`);
  return { delivery: d, event, eventId: eventIdOf(decl, d, payload), deliveryId, problems };
}

function payloadProblems(ctx: CheckContext, event: string | undefined, payload: unknown): string[] {
  if (payload === undefined) return ['payload: not JSON'];
  if (!event || !ctx.contract.webhooks.some((w) => w.event === event)) return [`payload: unknown event "${event ?? '(none)'}"`];
  const validate = ctx.schemas.validatorAt(pointerOf(['webhooks', event, 'post', 'requestBody', 'content', 'application/json', 'schema']));
  if (validate(payload)) return [];
  return [`payload: does not match the ${event} schema: ${(validate.errors ?? []).slice(0, 3).map((e) => `${e.instancePath || '(root)'} ${e.message}`).join('; ')}`];
}

// ---------------------------------------------------------------------------------------------
// The check

interface Registration {
  how: string;
  url: string;
  step: FlowStep;
  reroute?: FlowStep;
}

function plan(ctx: CheckContext, decl: WebhookDeclaration, receiver: Receiver): Registration | string {
  const publicUrl = process.env[PUBLIC_URL_ENV];
  const api = decl.api;
  if (api && publicUrl && (!api.httpsOnly || publicUrl.startsWith('https://'))) return { how: `the API (${api.register.operation}) with ${PUBLIC_URL_ENV}`, url: publicUrl, step: api.register };
  if (api && !api.httpsOnly) return { how: `the API (${api.register.operation})`, url: receiver.url, step: api.register };
  if (api?.reroute && ctx.controlUrl) {
    return { how: `the API (${api.register.operation}), rerouted to the local receiver through the control API`, url: api.placeholderUrl ?? 'https://127.0.0.1:9/accord-webhooks', step: api.register, reroute: { name: 'reroute', control: api.reroute } };
  }
  if (decl.control && ctx.controlUrl) {
    const body: Record<string, Value> = { url: '$vars.receiverUrl' };
    if (decl.control.owner !== undefined) body.owner = decl.control.owner;
    if (decl.control.secret) body.secret = '$vars.secret';
    return { how: 'the sandbox control API (POST /webhook-endpoints)', url: receiver.url, step: { name: 'register', control: { method: 'POST', path: '/webhook-endpoints', body } } };
  }
  if (api) return `${api.register.operation} accepts only https URLs and the local receiver is plain http: set ${PUBLIC_URL_ENV} to an https tunnel to it (and ${PORT_ENV} to its port), or run against a sandbox with a control URL`;
  return `only the sandbox control API can register the receiver (${decl.control?.why ?? 'no registration declared'}), and the target has no control URL`;
}

const describe = (j: Judged) => `${j.event ?? '(unknown event)'} ${j.eventId ?? '(no event id)'}`;

export const webhooks: Check = {
  id: 'webhooks',
  group: 'webhooks',
  summary: 'deliveries are signed with the provider’s webhook scheme, match the spec’s payload schemas, carry no voucher code, and a failing receiver gets retries until every event is acknowledged',
  sends: `registers a local receiver (the provider’s API, or the sandbox control API), runs trigger flows (orders, reversals, claims, status changes), refuses the first ${REFUSE_FIRST} deliveries with 500 and advances business time through the control API`,
  expects:
    'every delivery verified by the generated verifier (signature over the raw body with the registered secret or the provider’s public key, payload valid); each refused event redelivered with the same event id; every triggered event acknowledged in the end',
  async run(ctx) {
    const decl = webhooksOf(ctx.provider.id);
    if (!ctx.contract.webhooks.length) return ctx.record({ subject: '(provider)', outcome: 'skip', reason: 'the spec defines no webhooks' });
    if (!decl) return ctx.record({ subject: '(provider)', outcome: 'skip', reason: 'no webhook declaration for this provider (harness/providers)' });
    const runnable = decl.triggers.filter((t) => !flowSkipReason(ctx, t.flow));
    if (!runnable.length) {
      return ctx.record({ subject: '(provider)', outcome: 'skip', reason: `no trigger can run: ${decl.triggers.map((t) => `${t.flow.name}: ${flowSkipReason(ctx, t.flow)}`).join('; ')}` });
    }

    const port = Number(process.env[PORT_ENV]) || undefined;
    const receiver = await startReceiver(port ? { port } : {});
    try {
      const registration = plan(ctx, decl, receiver);
      if (typeof registration === 'string') return ctx.record({ subject: 'registration', outcome: 'skip', reason: registration });

      const scope = newScope(ctx, {
        url: registration.url,
        receiverUrl: receiver.url,
        events: ctx.contract.webhooks.map((w) => w.event),
        secret: randomBytes(24).toString('hex'),
        nowMs: await businessNow(ctx),
      });
      scope.secrets.add(scope.vars.secret as string);
      receiver.failFirst(REFUSE_FIRST);

      const ran: FlowDeclaration[] = [];
      // 1. Register.
      const registered = await runStep(ctx, registration.step, scope);
      const regEx = registered.exchange ? { exchange: redactExchange(registered.exchange, scope) } : {};
      if (registered.problems.length) return ctx.record({ subject: `registration via ${registration.how}`, outcome: 'fail', reason: registered.problems.join('; '), ...regEx });
      try {
        if (registration.reroute) {
          const rerouted = await runStep(ctx, registration.reroute, scope);
          if (rerouted.problems.length) return ctx.record({ subject: `registration via ${registration.how}`, outcome: 'fail', reason: `reroute: ${rerouted.problems.join('; ')}`, ...(rerouted.exchange ? { exchange: redactExchange(rerouted.exchange, scope) } : {}) });
        }
        ctx.record({ subject: `registration via ${registration.how}`, outcome: 'pass', ...regEx });

        let key: { secret?: string; publicKey?: string };
        try {
          key = 'secret' in decl.key ? { secret: String(resolve(decl.key.secret, scope)) } : { publicKey: String(resolve(decl.key.publicKey, scope)) };
        } catch (err) {
          if (!(err instanceof FlowError)) throw err;
          return ctx.record({ subject: 'verification key', outcome: 'fail', reason: `no key to verify deliveries with: ${err.message}` });
        }
        if (key.secret) scope.secrets.add(key.secret);

        // 2. Trigger events.
        const expected = new Set<string>();
        for (const trigger of decl.triggers) {
          const result = await runFlow(ctx, trigger.flow, scope, { prefix: 'trigger: ', quiet: true, deferCleanup: true });
          if (result !== 'skipped') ran.push(trigger.flow);
          if (result === 'passed') for (const e of trigger.events) expected.add(e);
        }

        // 3. Let them arrive: run due jobs, advance business time to the next retry, until settled.
        const judged = new Map<number, Judged>();
        const judgeAll = () => receiver.deliveries.map((d) => judged.get(d.seq) ?? judged.set(d.seq, judge(ctx, decl, key, scope, d)).get(d.seq)!);
        const state = async () => {
          const all = judgeAll();
          const acked = new Set(all.filter((j) => j.delivery.status < 300 && j.eventId).map((j) => j.eventId!));
          const ackedEvents = new Set(all.filter((j) => j.delivery.status < 300 && j.event).map((j) => j.event!));
          const unacked = [...new Set(all.filter((j) => j.eventId && !acked.has(j.eventId)).map((j) => j.eventId!))];
          const missing = [...expected].filter((e) => !ackedEvents.has(e));
          let pending: Array<{ id: string; event: string; eventId: string; status: string; nextAttemptAt: number | null }> = [];
          if (ctx.controlUrl) {
            const r = await control(ctx, 'GET', '/deliveries');
            pending = (Array.isArray(r.json?.deliveries) ? r.json.deliveries : []).filter((d: any) => d.url === receiver.url && d.status !== 'delivered');
          }
          return { all, unacked, missing, pending, done: !unacked.length && !missing.length && !pending.some((p) => p.status === 'pending') };
        };
        const deadline = Date.now() + ctx.options.asyncTimeoutMs;
        let idleStep = 1;
        let idleSeconds = 0;
        let advancedSeconds = 0;
        let s = await state();
        // With a control URL every round makes progress (jobs run, time moves): bounded by rounds, not by
        // real time (a sandbox busy delivering elsewhere can take long to answer). Without one: real time.
        for (let round = 0; round < MAX_SETTLE_ROUNDS && !s.done && (ctx.controlUrl || Date.now() < deadline); round++) {
          if (ctx.controlUrl) {
            await control(ctx, 'POST', '/jobs/run');
            const before = receiver.deliveries.length;
            await receiver.waitFor(() => receiver.deliveries.length > before, 100);
            s = await state();
            if (s.done) break;
            const next = s.pending.map((p) => p.nextAttemptAt).filter((n): n is number => typeof n === 'number');
            let seconds: number;
            if (next.length) seconds = Math.max(1, Math.ceil((Math.min(...next) - (await businessNow(ctx))) / 1000));
            else {
              // Nothing queued yet: the implementation may still be working (an order processing).
              if (idleSeconds >= MAX_IDLE_ADVANCE_S) break;
              seconds = idleStep;
              idleStep *= 2;
              idleSeconds += seconds;
            }
            await advance(ctx, seconds);
            advancedSeconds += seconds;
          } else await receiver.waitFor(() => false, 250);
          s = await state();
        }
        const waited = ctx.controlUrl ? `${advancedSeconds} s of business time` : `${ctx.options.asyncTimeoutMs} ms`;

        // 4. Findings: each delivery, each expected event, each retry, every event acknowledged.
        const redactor = createRedactor(ctx.credentials);
        for (const j of s.all) {
          const d = j.delivery;
          const exchange: Exchange = redactExchange(
            {
              request: { method: d.method, url: registration.url, headers: redactor.headers(d.headers), body: redactor.text(d.body.toString('utf8').slice(0, 600)) },
              response: { status: d.status, headers: {}, body: d.status < 300 ? 'ok' : `refused on purpose (${REFUSE_FIRST} first deliveries)` },
              ms: 0,
            },
            scope,
          );
          ctx.record({ subject: `delivery #${d.seq} ${describe(j)}`, outcome: j.problems.length ? 'fail' : 'pass', ...(j.problems.length ? { reason: j.problems.join('; ') } : {}), exchange });
        }
        for (const e of expected) {
          const got = s.all.filter((j) => j.event === e);
          if (got.some((j) => j.delivery.status < 300)) ctx.record({ subject: `event ${e}`, outcome: 'pass' });
          else ctx.record({ subject: `event ${e}`, outcome: 'fail', reason: got.length ? `delivered ${got.length} time(s), never acknowledged within ${waited}` : `never delivered within ${waited} after its trigger` });
        }
        const refused = s.all.filter((j) => j.delivery.status >= 300);
        if (!refused.length) ctx.record({ subject: 'retries', outcome: 'skip', reason: 'no delivery arrived, so none was refused' });
        for (const r of refused) {
          const subject = `retry of delivery #${r.delivery.seq} ${describe(r)}`;
          if (!r.eventId) {
            ctx.record({ subject, outcome: 'fail', reason: `the delivery carries no event id (${'header' in decl.eventId ? decl.eventId.header : decl.eventId.pointer}): a receiver cannot recognise the retry` });
            continue;
          }
          const again = s.all.filter((j) => j.delivery.seq > r.delivery.seq && j.eventId === r.eventId);
          if (!again.length) {
            if (ctx.controlUrl) ctx.record({ subject, outcome: 'fail', reason: `refused with ${r.delivery.status}, never delivered again within ${waited}` });
            else ctx.record({ subject, outcome: 'skip', reason: `no redelivery within ${waited} of real time; retries come after a backoff: use a sandbox control URL to advance time` });
            continue;
          }
          const newId = again.find((j) => r.deliveryId && j.deliveryId && j.deliveryId !== r.deliveryId);
          if (newId) ctx.record({ subject, outcome: 'fail', reason: `redelivered with another delivery id (${r.deliveryId} → ${newId.deliveryId}): a retry must keep it` });
          else ctx.record({ subject, outcome: 'pass', reason: `redelivered ${again.length} time(s) with event id ${r.eventId}` });
        }
        const stuck = s.pending.map((p) => `${p.event} ${p.eventId} (${p.status})`);
        if (s.unacked.length || stuck.length) {
          ctx.record({ subject: 'every event acknowledged', outcome: 'fail', reason: [s.unacked.length ? `never acknowledged: ${s.unacked.join(', ')}` : '', stuck.length ? `sandbox deliveries not delivered: ${stuck.join(', ')}` : ''].filter(Boolean).join('; ') + ` (after ${waited})` });
        } else if (s.all.length) ctx.record({ subject: 'every event acknowledged', outcome: 'pass' });
      } finally {
        // Undo what the triggers changed, once their events are in (a revoked key sends no warning).
        for (const flow of ran) await runCleanup(ctx, flow, scope, { prefix: 'trigger: ' });
        if (decl.api?.remove && registration.step === decl.api.register) {
          const removed = await runStep(ctx, decl.api.remove, scope);
          if (removed.problems.length) ctx.record({ subject: 'removal', outcome: 'fail', reason: `could not remove the endpoint: ${removed.problems.join('; ')}`, ...(removed.exchange ? { exchange: redactExchange(removed.exchange, scope) } : {}) });
        }
      }
    } finally {
      await receiver.close();
    }
  },
};

export const WEBHOOK_CHECKS = [webhooks];
