// The planned GET /reconciliation/{date} (D27), computed from the sandbox's own orders: what was
// allocated on the day, with the drifts a test injects through POST /_accord/reconciliation/drifts;
// 404 until the day's summary is generated (00:30 UTC the next day).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../../support/sandbox.ts';
import { advance, businessNow, clientFor, violations } from './support.ts';

const DAY = 86_400;
let sb: TestSandbox;
const c = () => clientFor(sb);
const summary = (date: string, role: 'default' | 'unsigned' = 'default') => clientFor(sb, role).GET('/reconciliation/{date}', { params: { path: { date } } });
const order = async (product_id: string, quantity: number) => (await c().POST('/orders', { body: { product_id, quantity } })).data!;
const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Seconds from business now to `minutes` past the next UTC midnight. */
async function toNextDay(minutes: number): Promise<number> {
  const now = await businessNow(sb);
  return (Math.floor(now / 1000 / DAY) + 1) * DAY + minutes * 60 - Math.floor(now / 1000);
}

let day1: string;
let orders: { cacheHit: string; bigHit: string; vendor: string; failed: string; cancelled: string };

beforeAll(async () => {
  sb = await startTestSandbox('starship', { rateLimitsDisabled: true });
  // Start early in a UTC day so the vendor path (a few seconds) settles on the same date.
  await advance(sb, await toNextDay(60));
  day1 = dateOf(await businessNow(sb));
  orders = {
    cacheHit: (await order('amazon-gift-50', 1)).order_id,
    bigHit: (await order('google-play-25', 3)).order_id,
    vendor: (await order('google-play-100', 2)).order_id,
    failed: '',
    cancelled: '',
  };
  await advance(sb, 10); // the vendor order settles before the next one is made to fail
  await sb.control('POST', '/faults', { name: 'vendor_failure' });
  orders.failed = (await order('target-gift-50', 1)).order_id;
  orders.cancelled = (await order('steam-wallet-50', 1)).order_id;
  await c().POST('/orders/{order_id}/cancel', { params: { path: { order_id: orders.cancelled } } });
  await advance(sb, 30);
});
afterAll(() => sb.close());
afterEach(() => expect(violations(sb)).toEqual([]));

describe('reconciliation', () => {
  it('has no summary for today or the future (404), and rejects impossible dates (400)', async () => {
    for (const date of [day1, '2999-01-01']) {
      const res = await summary(date);
      expect(res.response.status).toBe(404);
      expect(res.error?.error.message).toMatch(/generated at 00:30 UTC the next day/);
    }
    for (const date of ['2026-02-30', '2026-4-1', 'yesterday']) expect((await summary(date)).response.status).toBe(400);
  });

  it('refuses drifts for orders without an allocation, and unknown orders', async () => {
    for (const order_id of [orders.failed, orders.cancelled, 'ord_01HX9QP0VEJTGCVWZH220B5ZKK']) {
      await expect(sb.control('POST', '/reconciliation/drifts', { order_id })).rejects.toThrow(/400/);
    }
  });

  it('summarizes the day from the sandbox orders, with the injected drifts', async () => {
    const injected = await sb.control('POST', '/reconciliation/drifts', { order_id: orders.bigHit, vendor_record: 'VOUCHER-B', resolution: 'escalated' });
    expect(injected.drift).toMatchObject({ date: day1, order_id: orders.bigHit, vendor: 'voucherkart' });
    await sb.control('POST', '/reconciliation/drifts', { order_id: orders.vendor, kind: 'unmatched' });
    // The next day's orders belong to the next day's summary.
    await advance(sb, await toNextDay(10));
    await order('amazon-gift-50', 1);
    expect((await summary(day1)).response.status).toBe(404); // 00:10: not generated yet
    await advance(sb, 25 * 60);

    const res = await summary(day1);
    expect(res.response.status).toBe(200);
    expect(res.data).toEqual({
      date: day1,
      // Allocated that day: 1 + 3 vouchers from cache, 2 from the vendor; FAILED and CANCELLED orders allocated none.
      summary: { orders_total: 3, vouchers_allocated: 6, matched: 4, drifted: 1, unmatched: 1 },
      drifts: [
        {
          order_id: orders.bigHit,
          vendor: 'voucherkart',
          product_id: 'google-play-25',
          our_allocation: injected.drift.voucher_id,
          vendor_record: 'VOUCHER-B',
          detected_at: injected.drift.detected_at,
          resolution: 'escalated',
        },
      ],
      generated_at: `${dateOf(Date.parse(day1) + DAY * 1000)}T00:30:00Z`,
    });
    expect(res.data!.drifts[0]!.our_allocation).toMatch(/^vch_/);
  });

  it('is per partner, and a quiet past day is a zero summary', async () => {
    expect((await summary(day1, 'unsigned')).data!.summary).toEqual({ orders_total: 0, vouchers_allocated: 0, matched: 0, drifted: 0, unmatched: 0 });
    expect((await summary('2020-01-01')).data).toMatchObject({ date: '2020-01-01', drifts: [] });
  });

  it('lists the injected findings through the control API', async () => {
    const { drifts } = await sb.control('GET', '/reconciliation/drifts');
    expect(drifts.map((d: any) => d.kind).sort()).toEqual(['drift', 'unmatched']);
    await expect(sb.control('POST', '/reconciliation/drifts', { order_id: orders.cacheHit, kind: 'lost' })).rejects.toThrow(/kind must be/);
  });
});
