/**
 * The asynchronous order path, in business time: PENDING → PROCESSING (order.processing) →
 * vendor allocation → DELIVERED, PARTIALLY_DELIVERED (remainder refunded) or FAILED (all
 * refunded, no event: D19); and CANCELLED → REFUNDED (order.refunded). Faults force the
 * vendor's failures and the admin gate's cancellation.
 *
 * Each step carries the business instant it was due (`due`) and schedules the next one relative
 * to it, so one large clock jump plays the whole lifecycle with the timestamps it would have had.
 */
import type { JobHandler } from '../../../sandbox/jobs.ts';
import type { SandboxContext } from '../../../sandbox/provider.ts';
import { findProduct } from './catalog.ts';
import { KIND, type OrderRecord } from './model.ts';
import { allocate, cancel, delayUntil, JOB, saveOrder, VENDOR_FULFIL_MS } from './orders.ts';
import { book } from './wallet.ts';
import { emitOrderEvent, emitVoucherIssued } from './webhooks.ts';

/** Named failures a test arms through POST /_accord/faults. */
export const FAULTS = {
  vendor_failure: 'the next vendor allocation yields no voucher: the order ends FAILED and its amount is refunded (no webhook; poll the order)',
  vendor_partial: 'the next vendor allocation yields half the vouchers (rounded down): PARTIALLY_DELIVERED, the remainder refunded',
  admin_cancel: 'the admin gate cancels the next pending order before allocation: order.cancelled, then order.refunded',
  payout_failure: 'the next payout is rejected by its destination: FAILED, the amount credited back',
} as const;

interface Step {
  order_id: string;
  /** When this step was due, business ms (absent: now). */
  due?: number;
}

const load = (ctx: SandboxContext, id: string) => ctx.store.get<OrderRecord>(KIND.order, id);

function process(ctx: SandboxContext, { order_id: id, due = ctx.clock.now() }: Step): void {
  const order = load(ctx, id);
  if (!order || order.status !== 'PENDING') return; // cancelled meanwhile
  if (ctx.faults.take('admin_cancel')) {
    cancel(ctx, order, 'cancelled by the Starship admin gate', due);
    return;
  }
  ctx.store.transaction(() => {
    const processing: OrderRecord = { ...order, status: 'PROCESSING', updated_at: ctx.clock.iso(due) };
    saveOrder(ctx, processing);
    emitOrderEvent(ctx, processing, 'order.processing', due);
    ctx.jobs.schedule(JOB.fulfil, { order_id: id, due: due + VENDOR_FULFIL_MS }, delayUntil(ctx, due + VENDOR_FULFIL_MS));
  });
}

function fulfil(ctx: SandboxContext, { order_id: id, due = ctx.clock.now() }: Step): void {
  const order = load(ctx, id);
  if (!order || order.status !== 'PROCESSING') return;
  const wanted = order.quantity;
  const count = ctx.faults.take('vendor_failure') ? 0 : ctx.faults.take('vendor_partial') ? Math.floor(wanted / 2) : wanted;
  const product = findProduct(ctx, order.product_id);
  const unit = order.totalCents / order.quantity;
  ctx.store.transaction(() => {
    const next: OrderRecord = { ...order, vouchers: [...order.vouchers], updated_at: ctx.clock.iso(due) };
    const issued = count > 0 ? allocate(ctx, next, product, count, 'vendor', due) : [];
    next.status = count === wanted ? 'DELIVERED' : count > 0 ? 'PARTIALLY_DELIVERED' : 'FAILED';
    if (count < wanted) {
      const missing = wanted - count;
      book(ctx, order.owner, { type: 'refund', cents: unit * missing, order_id: id, description: `Refund for ${missing} voucher(s) of order ${id} that could not be allocated`, at: due });
    }
    saveOrder(ctx, next);
    for (const v of issued) emitVoucherIssued(ctx, order.owner, v, due);
    if (next.status === 'DELIVERED') emitOrderEvent(ctx, next, 'order.delivered', due);
    if (next.status === 'PARTIALLY_DELIVERED') emitOrderEvent(ctx, next, 'order.partially_delivered', due);
  });
}

function refund(ctx: SandboxContext, { order_id: id, due = ctx.clock.now() }: Step): void {
  const order = load(ctx, id);
  if (!order || order.status !== 'CANCELLED') return;
  ctx.store.transaction(() => {
    book(ctx, order.owner, { type: 'refund', cents: order.totalCents, order_id: id, description: `Refund for cancelled order ${id}`, at: due });
    const refunded: OrderRecord = { ...order, status: 'REFUNDED', updated_at: ctx.clock.iso(due) };
    saveOrder(ctx, refunded);
    emitOrderEvent(ctx, refunded, 'order.refunded', due);
  });
}

/** The order lifecycle jobs, by name. */
export function orderJobs(ctx: SandboxContext): Record<string, JobHandler> {
  return {
    [JOB.process]: (step: Step) => process(ctx, step),
    [JOB.fulfil]: (step: Step) => fulfil(ctx, step),
    [JOB.refund]: (step: Step) => refund(ctx, step),
  };
}
