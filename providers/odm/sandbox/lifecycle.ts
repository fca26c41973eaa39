/**
 * Voucher state changes that outlive a request: expiry in business time (a job at `expires_at`,
 * and a check whenever a voucher is touched, so no read ever shows an overdue voucher as active)
 * and the signed callbacks every change emits (D16, D21).
 */
import { ProviderError } from '../../../runtime/server/errors.ts';
import type { SandboxContext } from '../../../sandbox/provider.ts';
import { eventData, KIND, newId, type EventName, type Schemas, type VoucherRecord } from './records.ts';

export const EXPIRE_JOB = 'voucher.expire';

/** Queues a callback to the partner's registered endpoints (inside the caller's transaction). */
export function emitCallback(ctx: SandboxContext, voucher: VoucherRecord, event: EventName, occurredAt: string, claim?: Schemas['VoucherClaimedEventData']['claim']): void {
  const eventId = newId(ctx, 'evt');
  const data = claim ? { ...eventData(voucher), status: voucher.status as 'active' | 'claimed', claim } : eventData(voucher);
  ctx.webhooks?.emit(voucher.owner, event, eventId, { event, event_id: eventId, occurred_at: occurredAt, data });
}

/** Expires an active voucher whose `expires_at` has come (inside the caller's transaction). */
function expireIfDue(ctx: SandboxContext, voucher: VoucherRecord): VoucherRecord {
  if (voucher.status !== 'active' || voucher.expires_at === null || Date.parse(voucher.expires_at) > ctx.clock.now()) return voucher;
  const expired: VoucherRecord = { ...voucher, status: 'expired' };
  ctx.store.put(KIND.voucher, expired.voucher_id, expired, { owner: expired.owner });
  emitCallback(ctx, expired, 'voucher.expired', expired.expires_at!);
  return expired;
}

/**
 * The voucher as it stands now: expired first if it is overdue, in a transaction of its own so
 * that a refusal that follows (422) does not roll the expiry back.
 */
export function currentVoucher(ctx: SandboxContext, id: string): VoucherRecord | undefined {
  return ctx.store.transaction(() => {
    const voucher = ctx.store.get<VoucherRecord>(KIND.voucher, id);
    return voucher && expireIfDue(ctx, voucher);
  });
}

/** Every voucher of a partner, overdue ones expired first. */
export function currentVouchers(ctx: SandboxContext, owner: string): VoucherRecord[] {
  return ctx.store.transaction(() => ctx.store.list<VoucherRecord>(KIND.voucher, owner).map((v) => expireIfDue(ctx, v)));
}

/** Refuses a voucher that can no longer be claimed or cancelled (D16, D19). */
export function assertActive(voucher: VoucherRecord): void {
  switch (voucher.status) {
    case 'active':
      return;
    case 'claimed':
      throw new ProviderError(422, 'VOUCHER_ALREADY_CLAIMED', `Voucher ${voucher.voucher_id} is fully claimed (balance 0).`);
    case 'cancelled':
      throw new ProviderError(422, 'VOUCHER_CANCELLED', `Voucher ${voucher.voucher_id} was cancelled by its partner.`);
    case 'expired':
      throw new ProviderError(422, 'VOUCHER_EXPIRED', `Voucher ${voucher.voucher_id} expired at ${voucher.expires_at}.`);
  }
}

/** The expiry job, scheduled at issuance for `expires_at` (business time; survives restarts). */
export const expireJob = (ctx: SandboxContext) => ({ id }: { id: string }) => void currentVoucher(ctx, id);
