/**
 * Webhook delivery for every provider: one delivery per (event, endpoint), the payload bytes and
 * event id fixed at emission, a fresh signature (provider's webhook scheme) on every attempt.
 * A non-2xx answer or no answer within the timeout is retried with exponential backoff until
 * 24 h after the event; deliveries are listed by the control API.
 */
import { ulid } from '../runtime/ids.ts';
import { sign } from '../signing/engine.ts';
import { webhookMetadataHeaders } from '../signing/headers.ts';
import { getScheme } from '../signing/schemes/index.ts';
import type { SchemeId } from '../signing/types.ts';
import type { SandboxClock } from './clock.ts';
import type { JobScheduler } from './jobs.ts';
import type { SandboxStore } from './store.ts';

export const WEBHOOK_TIMEOUT_MS = 5_000;
export const RETRY_HORIZON_MS = 24 * 3600 * 1000;
export const FIRST_RETRY_MS = 30_000;
export const MAX_RETRY_INTERVAL_MS = 2 * 3600 * 1000;

export interface WebhookEndpoint {
  id: string;
  owner: string;
  url: string;
  /** Events it receives; empty: all. */
  events: string[];
  /** HMAC secret for this endpoint (providers that sign per endpoint). */
  secret?: string;
  createdAt: string;
}

export interface Delivery {
  id: string;
  endpointId: string;
  owner: string;
  url: string;
  event: string;
  eventId: string;
  body: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: Array<{ at: string; status: number | null; error?: string; ms: number }>;
  firstAttemptAt: number;
  nextAttemptAt: number | null;
}

export interface DispatcherOptions {
  scheme: SchemeId;
  /** The key for an endpoint: its own secret, the partner's secret, or the provider's private key. */
  keyFor: (endpoint: WebhookEndpoint) => { secret?: string; privateKey?: string } | null;
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** Delivery ids in the provider's format. */
  deliveryId?: () => string;
}

const RESERVED_HOST = /(^|\.)(example|invalid|test)$|(^|\.)example\.(com|net|org)$/i;

/** Retry n (1-based) waits 30 s · 2^(n−1), at most 2 h. */
export const retryDelayMs = (attempt: number) => Math.min(FIRST_RETRY_MS * 2 ** (attempt - 1), MAX_RETRY_INTERVAL_MS);

export class WebhookDispatcher {
  private readonly eventHeader: string | undefined;
  private readonly deliveryHeader: string | undefined;

  constructor(
    private readonly store: SandboxStore,
    private readonly clock: SandboxClock,
    private readonly jobs: JobScheduler,
    private readonly options: DispatcherOptions,
  ) {
    const scheme = getScheme(options.scheme);
    ({ event: this.eventHeader, delivery: this.deliveryHeader } = webhookMetadataHeaders(scheme));
    // Attempts run side by side: one slow or unreachable receiver must not hold up the others.
    jobs.register('webhook.deliver', ({ id }: { id: string }) => this.attempt(id), { concurrent: true });
  }

  endpoints(owner: string): WebhookEndpoint[] {
    return this.store.list<WebhookEndpoint>('webhook_endpoint', owner);
  }

  addEndpoint(endpoint: WebhookEndpoint): void {
    this.store.put('webhook_endpoint', endpoint.id, endpoint, { owner: endpoint.owner });
  }

  removeEndpoint(id: string): boolean {
    return this.store.delete('webhook_endpoint', id);
  }

  /** Whether any endpoint of `owner` receives `event` (a provider can skip building an event nobody gets). */
  wants(owner: string, event: string): boolean {
    return this.endpoints(owner).some((endpoint) => !endpoint.events.length || endpoint.events.includes(event));
  }

  /** Queues `payload` for every endpoint of `owner` subscribed to `event`. Returns the deliveries. */
  emit(owner: string, event: string, eventId: string, payload: unknown): Delivery[] {
    let body: string | undefined;
    const out: Delivery[] = [];
    for (const endpoint of this.endpoints(owner)) {
      if (endpoint.events.length && !endpoint.events.includes(event)) continue;
      // Serialized once, and only when some endpoint receives it.
      body ??= JSON.stringify(payload);
      const delivery: Delivery = {
        id: this.options.deliveryId?.() ?? `dlv_${ulid()}`,
        endpointId: endpoint.id,
        owner,
        url: endpoint.url,
        event,
        eventId,
        body,
        status: 'pending',
        attempts: [],
        firstAttemptAt: this.clock.now(),
        nextAttemptAt: this.clock.now(),
      };
      this.store.put('delivery', delivery.id, delivery, { owner });
      this.jobs.schedule('webhook.deliver', { id: delivery.id });
      out.push(delivery);
    }
    return out;
  }

  deliveries(owner?: string): Delivery[] {
    return this.store.list<Delivery>('delivery', owner);
  }

  private async attempt(id: string): Promise<void> {
    const stored = this.store.get<Delivery>('delivery', id);
    if (!stored || stored.status !== 'pending') return;
    // Stored records are frozen: this attempt works on its own copy and puts it back.
    const delivery: Delivery = { ...stored, attempts: [...stored.attempts] };
    const endpoint = this.store.get<WebhookEndpoint>('webhook_endpoint', delivery.endpointId);
    if (!endpoint) {
      delivery.status = 'failed';
      delivery.nextAttemptAt = null;
      delivery.attempts.push({ at: this.clock.iso(), status: null, error: 'endpoint removed', ms: 0 });
      this.store.put('delivery', id, delivery, { owner: delivery.owner });
      return;
    }
    const key = this.options.keyFor(endpoint);
    const headers: Record<string, string> = { 'Content-Type': 'application/json', 'User-Agent': 'accord-sandbox-webhooks/1' };
    if (this.eventHeader) headers[this.eventHeader] = delivery.event;
    if (this.deliveryHeader) headers[this.deliveryHeader] = delivery.id;
    if (key) Object.assign(headers, sign(this.options.scheme, { body: delivery.body, timestamp: Math.floor(Date.now() / 1000), ...key }).headers);
    const started = performance.now();
    let status: number | null = null;
    let error: string | undefined;
    const host = new URL(delivery.url).hostname;
    try {
      // RFC 2606 names never resolve: fail at once instead of waiting for DNS.
      if (RESERVED_HOST.test(host)) throw new Error(`${host} is a reserved name (RFC 2606) and cannot receive deliveries`);
      const res = await (this.options.fetch ?? fetch)(delivery.url, {
        method: 'POST',
        headers,
        body: delivery.body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? WEBHOOK_TIMEOUT_MS),
      });
      status = res.status;
      await res.body?.cancel();
    } catch (err) {
      error = (err as Error).name === 'TimeoutError' ? `no answer within ${(this.options.timeoutMs ?? WEBHOOK_TIMEOUT_MS) / 1000} s` : (err as Error).message;
    }
    delivery.attempts.push({ at: this.clock.iso(), status, ...(error ? { error } : {}), ms: Math.round(performance.now() - started) });
    if (status !== null && status >= 200 && status < 300) {
      delivery.status = 'delivered';
      delivery.nextAttemptAt = null;
    } else {
      const wait = retryDelayMs(delivery.attempts.length);
      if (this.clock.now() + wait - delivery.firstAttemptAt > RETRY_HORIZON_MS) {
        delivery.status = 'failed';
        delivery.nextAttemptAt = null;
      } else {
        delivery.nextAttemptAt = this.clock.now() + wait;
        this.jobs.schedule('webhook.deliver', { id }, wait);
      }
    }
    this.store.put('delivery', id, delivery, { owner: delivery.owner });
  }
}
