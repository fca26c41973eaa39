/**
 * Orders: placement (shared with cart checkout), cache-hit allocation, cancellation, and the
 * order endpoints. A cache hit is DELIVERED at once (201, voucher metadata only); a cache miss
 * is PENDING (202) and walks through the jobs in fulfilment.ts. Codes only ever leave through
 * GET /orders/{order_id}/vouchers (D18).
 */
import type { StarshipHandlers } from '../../../generated/starship/server.ts';
import { ProviderError } from '../../../runtime/server/errors.ts';
import { principalOf, type SandboxContext } from '../../../sandbox/provider.ts';
import { findProduct } from './catalog.ts';
import { addDays, fromCents, KIND, newId, voucherCode, voucherPin, type OrderRecord, type ProductRecord, type Schemas, type VoucherRecord } from './model.ts';
import { paginate } from './paging.ts';
import { book, ensureBalance, walletOf } from './wallet.ts';
import { emitOrderEvent, emitVoucherIssued } from './webhooks.ts';

/** Business time from PENDING to PROCESSING, from PROCESSING to vendor allocation, from CANCELLED to REFUNDED. */
export const PROCESSING_AFTER_MS = 1_000;
export const VENDOR_FULFIL_MS = 3_000;
export const REFUND_AFTER_MS = 2_000;

/** Job names of the order lifecycle (fulfilment.ts). */
export const JOB = { process: 'starship.order.process', fulfil: 'starship.order.fulfil', refund: 'starship.order.refund' } as const;

/** One product line: an order, or a cart line. */
export interface Line {
  product_id: string;
  quantity: number;
}

/** The API shape of an order (major units, voucher metadata only). */
export const toOrder = (o: OrderRecord): Schemas['Order'] => ({
  order_id: o.order_id,
  status: o.status,
  product_id: o.product_id,
  quantity: o.quantity,
  reference: o.reference,
  total_amount: fromCents(o.totalCents),
  currency: o.currency,
  fulfilled_from: o.fulfilled_from,
  vouchers: o.vouchers,
  created_at: o.created_at,
  updated_at: o.updated_at,
});

/** Writes an order under its owner. */
export const saveOrder = (ctx: SandboxContext, o: OrderRecord) => ctx.store.put(KIND.order, o.order_id, o, { owner: o.owner });

/** The caller's order, or 404 (another partner's order does not exist for this caller). */
export function ownOrder(ctx: SandboxContext, owner: string, orderId: string): OrderRecord {
  const order = ctx.store.get<OrderRecord>(KIND.order, orderId);
  if (!order || order.owner !== owner) throw new ProviderError(404, 'NOT_FOUND', `order ${orderId} not found`);
  return order;
}

/** Issues `count` vouchers for the order (codes stored apart) and adds their metadata to it. */
export function allocate(ctx: SandboxContext, order: OrderRecord, product: ProductRecord, count: number, from: 'cache' | 'vendor', at = ctx.clock.now()): VoucherRecord[] {
  const expiry = addDays(at, product.validityDays);
  const issued: VoucherRecord[] = [];
  for (let i = 0; i < count; i++) {
    const voucher: VoucherRecord = {
      voucher_id: newId('vch'),
      order_id: order.order_id,
      product_id: product.product_id,
      code: voucherCode(product.codePrefix),
      pin: product.hasPin ? voucherPin() : null,
      expiry,
    };
    ctx.store.put(KIND.voucher, voucher.voucher_id, voucher, { owner: order.owner });
    order.vouchers.push({ voucher_id: voucher.voucher_id, product_id: voucher.product_id, expiry });
    issued.push(voucher);
  }
  order.fulfilled_from = from;
  order.settledAt = at;
  return issued;
}

/**
 * Validates every line (404 unknown product, 422 INSUFFICIENT_INVENTORY, 422 INSUFFICIENT_BALANCE
 * for the total) before anything is written, then creates one order per line in one transaction.
 */
export function placeOrders(ctx: SandboxContext, owner: string, lines: Line[], reference: string | null): OrderRecord[] {
  const products = lines.map((l) => findProduct(ctx, l.product_id));
  for (const p of products) {
    if (!p.available) throw new ProviderError(422, 'INSUFFICIENT_INVENTORY', `No vouchers available for product ${p.product_id}`);
  }
  const currency = walletOf(ctx, owner).currency;
  const total = lines.reduce((sum, l, i) => sum + products[i]!.priceCents * l.quantity, 0);
  return ctx.store.transaction(() => {
    ensureBalance(ctx, owner, total, lines.length > 1 ? `this cart (${lines.length} orders)` : 'this order');
    return lines.map((line) => {
      // Re-read: an earlier line of the same cart may have drawn on the same cache.
      const product = findProduct(ctx, line.product_id);
      const nowMs = ctx.clock.now();
      const now = ctx.clock.iso(nowMs);
      const order: OrderRecord = {
        order_id: newId('ord'),
        owner,
        status: 'PENDING',
        product_id: product.product_id,
        quantity: line.quantity,
        reference,
        totalCents: product.priceCents * line.quantity,
        currency,
        fulfilled_from: null,
        vouchers: [],
        created_at: now,
        updated_at: now,
        settledAt: null,
        cancelReason: null,
      };
      book(ctx, owner, { type: 'debit', cents: order.totalCents, order_id: order.order_id, description: `Order ${order.order_id}` });
      if (product.cacheStock >= line.quantity) {
        ctx.store.put<ProductRecord>(KIND.product, product.product_id, { ...product, cacheStock: product.cacheStock - line.quantity });
        order.status = 'DELIVERED';
        const vouchers = allocate(ctx, order, product, line.quantity, 'cache');
        saveOrder(ctx, order);
        // Accepted and delivered in the same instant: order.created already shows DELIVERED.
        emitOrderEvent(ctx, order, 'order.created');
        for (const v of vouchers) emitVoucherIssued(ctx, owner, v);
        emitOrderEvent(ctx, order, 'order.delivered');
      } else {
        saveOrder(ctx, order);
        emitOrderEvent(ctx, order, 'order.created');
        ctx.jobs.schedule(JOB.process, { order_id: order.order_id, due: nowMs + PROCESSING_AFTER_MS }, PROCESSING_AFTER_MS);
      }
      return order;
    });
  });
}

/** Delay until `due` (business ms), never negative. */
export const delayUntil = (ctx: SandboxContext, due: number) => Math.max(0, due - ctx.clock.now());

/** PENDING/PROCESSING → CANCELLED (order.cancelled) at `at`; the refund follows as a job (D21). */
export function cancel(ctx: SandboxContext, order: OrderRecord, reason: string | null, at = ctx.clock.now()): OrderRecord {
  const cancelled: OrderRecord = { ...order, status: 'CANCELLED', cancelReason: reason, updated_at: ctx.clock.iso(at) };
  ctx.store.transaction(() => {
    saveOrder(ctx, cancelled);
    emitOrderEvent(ctx, cancelled, 'order.cancelled', at);
    ctx.jobs.schedule(JOB.refund, { order_id: order.order_id, due: at + REFUND_AFTER_MS }, delayUntil(ctx, at + REFUND_AFTER_MS));
  });
  return cancelled;
}

const dateOfIso = (iso: string) => iso.slice(0, 10);

/** createOrder, listOrders, getOrder, getOrderVouchers, cancelOrder. */
export function orderHandlers(ctx: SandboxContext): Partial<StarshipHandlers> {
  return {
    createOrder: ({ body, state }) => {
      const [order] = placeOrders(ctx, principalOf(state).owner, [{ product_id: body.product_id, quantity: body.quantity }], body.reference ?? null);
      return order!.status === 'DELIVERED' ? { status: 201, body: toOrder(order!) } : { status: 202, body: toOrder(order!) };
    },
    listOrders: ({ query, state }) => {
      if (query.created_from && query.created_to && query.created_to < query.created_from) {
        throw new ProviderError(400, 'VALIDATION_ERROR', `created_to (${query.created_to}) is before created_from (${query.created_from}).`);
      }
      const orders = ctx.store
        .list<OrderRecord>(KIND.order, principalOf(state).owner)
        .filter(
          (o) =>
            (!query.status || o.status === query.status) &&
            (!query.created_from || dateOfIso(o.created_at) >= query.created_from) &&
            (!query.created_to || dateOfIso(o.created_at) <= query.created_to),
        )
        .reverse();
      const page = paginate(orders, query);
      return { status: 200, body: { data: page.data.map(toOrder) }, headers: page.headers };
    },
    getOrder: ({ params, state }) => ({ status: 200, body: toOrder(ownOrder(ctx, principalOf(state).owner, params.order_id)) }),
    getOrderVouchers: ({ params, state }) => {
      const order = ownOrder(ctx, principalOf(state).owner, params.order_id);
      const vouchers = order.vouchers.map((summary) => {
        const v = ctx.store.get<VoucherRecord>(KIND.voucher, summary.voucher_id!)!;
        return { voucher_id: v.voucher_id, product_id: v.product_id, code: v.code, ...(v.pin ? { pin: v.pin } : {}), expiry: v.expiry };
      });
      return { status: 200, body: { order_id: order.order_id, vouchers } };
    },
    cancelOrder: ({ params, body, state }) => {
      const order = ownOrder(ctx, principalOf(state).owner, params.order_id);
      if (order.status === 'CANCELLED' || order.status === 'REFUNDED') return { status: 200, body: toOrder(order) };
      if (order.status !== 'PENDING' && order.status !== 'PROCESSING') {
        throw new ProviderError(409, 'ORDER_NOT_CANCELLABLE', `order ${order.order_id} is ${order.status} and can no longer be cancelled: only orders with no voucher issued (PENDING, PROCESSING) can be.`);
      }
      return { status: 200, body: toOrder(cancel(ctx, order, body?.reason ?? null)) };
    },
  };
}
