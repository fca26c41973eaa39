/**
 * The planned GET /reconciliation/{date} (D27), computed from the sandbox's own orders: the
 * orders whose vouchers were allocated on `date` (UTC), their vouchers, and the drifts a test
 * injected for them through the control API. A day's summary exists from 00:30 UTC the next day
 * (the docs' sample is generated at 00:30:12); before that — today, the future — 404.
 */
import type { StarshipHandlers } from '../../../generated/starship/server.ts';
import { ProviderError } from '../../../runtime/server/errors.ts';
import { principalOf, type SandboxContext } from '../../../sandbox/provider.ts';
import { findProduct } from './catalog.ts';
import { dateOf, DAY_MS, KIND, randomChars, startOfDay, type DriftRecord, type OrderRecord, type Schemas } from './model.ts';

/** Minutes after midnight UTC at which the previous day's summary is generated. */
export const GENERATED_AFTER_MIDNIGHT_MS = 30 * 60_000;

/** When the summary of `date` is generated (epoch ms): 00:30 UTC the next day. */
export const generatedAt = (date: string) => startOfDay(date) + DAY_MS + GENERATED_AFTER_MIDNIGHT_MS;

function summarize(ctx: SandboxContext, owner: string, date: string): Schemas['DailyReconciliation'] {
  const settled = ctx.store.list<OrderRecord>(KIND.order, owner).filter((o) => o.settledAt !== null && o.vouchers.length > 0 && dateOf(o.settledAt) === date);
  const findings = ctx.store.list<DriftRecord>(KIND.drift, owner).filter((d) => d.date === date);
  const drifts = findings.filter((d) => d.kind === 'drift');
  const unmatched = findings.length - drifts.length;
  const allocated = settled.reduce((n, o) => n + o.vouchers.length, 0);
  return {
    date,
    summary: { orders_total: settled.length, vouchers_allocated: allocated, matched: Math.max(0, allocated - findings.length), drifted: drifts.length, unmatched },
    drifts: drifts.map(({ order_id, vendor, product_id, our_allocation, vendor_record, detected_at, resolution }) => ({ order_id, vendor, product_id, our_allocation, vendor_record, detected_at, resolution })),
    generated_at: new Date(generatedAt(date)).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
}

/** getDailyReconciliation (planned operation). */
export function reconciliationHandlers(ctx: SandboxContext): Partial<StarshipHandlers> {
  return {
    getDailyReconciliation: ({ params, state }) => {
      if (ctx.clock.now() < generatedAt(params.date)) {
        throw new ProviderError(404, 'NOT_FOUND', `no reconciliation summary for ${params.date} yet: a day's summary is generated at 00:30 UTC the next day.`);
      }
      return { status: 200, body: summarize(ctx, principalOf(state).owner, params.date) };
    },
  };
}

/** The control API's drift body, unvalidated. */
export interface DriftInput {
  order_id?: unknown;
  voucher_id?: unknown;
  kind?: unknown;
  vendor_record?: unknown;
  resolution?: unknown;
  detected_at?: unknown;
}

const RESOLUTIONS = ['pending', 'resolved', 'escalated'];

/** Records a finding against one allocated voucher of an order; returns it, or an error message. */
export function injectDrift(ctx: SandboxContext, input: DriftInput): DriftRecord | string {
  if (typeof input.order_id !== 'string') return 'order_id is required';
  const order = ctx.store.get<OrderRecord>(KIND.order, input.order_id);
  if (!order || order.settledAt === null || order.vouchers.length === 0) return `order ${input.order_id} has no allocated voucher to reconcile`;
  const kind = input.kind ?? 'drift';
  if (kind !== 'drift' && kind !== 'unmatched') return 'kind must be "drift" or "unmatched"';
  const resolution = input.resolution ?? 'pending';
  if (typeof resolution !== 'string' || !RESOLUTIONS.includes(resolution)) return `resolution must be one of ${RESOLUTIONS.join(', ')}`;
  if (input.vendor_record !== undefined && (typeof input.vendor_record !== 'string' || !input.vendor_record)) return 'vendor_record must be a non-empty string';
  if (input.detected_at !== undefined && (typeof input.detected_at !== 'string' || Number.isNaN(Date.parse(input.detected_at)))) return 'detected_at must be an RFC 3339 date-time';
  const taken = new Set(ctx.store.list<DriftRecord>(KIND.drift, order.owner).map((d) => d.voucher_id));
  const voucherId = input.voucher_id ?? order.vouchers.find((v) => !taken.has(v.voucher_id!))?.voucher_id;
  if (typeof voucherId !== 'string' || !order.vouchers.some((v) => v.voucher_id === voucherId)) return `no voucher of order ${order.order_id} is left to drift (or voucher_id is not one of its vouchers)`;
  if (taken.has(voucherId)) return `voucher ${voucherId} already has a finding`;
  const date = dateOf(order.settledAt);
  const drift: DriftRecord = {
    id: `${order.order_id}:${voucherId}`,
    owner: order.owner,
    date,
    kind,
    order_id: order.order_id,
    voucher_id: voucherId,
    vendor: findProduct(ctx, order.product_id).vendor,
    product_id: order.product_id,
    our_allocation: voucherId,
    vendor_record: (input.vendor_record as string | undefined) ?? `VND-${randomChars(12)}`,
    detected_at: (input.detected_at as string | undefined) ?? new Date(generatedAt(date)).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    resolution: resolution as DriftRecord['resolution'],
  };
  ctx.store.put(KIND.drift, drift.id, drift, { owner: order.owner });
  return drift;
}
