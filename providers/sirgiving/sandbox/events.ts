/**
 * The two documented webhook events, in accord's envelope (D14):
 * `{ id, event, createdAt, partnerId, data }`, delivered to the partner's subscribed endpoints and
 * signed with sirgiving-webhook by the core dispatcher.
 */
import type { SandboxContext } from '../../../sandbox/provider.ts';
import { objectId, type Schemas } from './records.ts';

/** The `data` of each event, from the spec. */
export interface EventData {
  'partner.status_changed': Schemas['PartnerStatusChangedEvent']['data'];
  'api_key.expiring': Schemas['ApiKeyExpiringEvent']['data'];
}

/** Queues one event for every endpoint of the partner subscribed to it; the event id stays the same across retries. */
export function emitEvent<E extends keyof EventData>(ctx: SandboxContext, partnerId: string, event: E, data: EventData[E]): string {
  const id = objectId(ctx);
  const payload = { id, event, createdAt: ctx.clock.iso(), partnerId, data };
  ctx.webhooks?.emit(partnerId, event, id, payload);
  return id;
}
