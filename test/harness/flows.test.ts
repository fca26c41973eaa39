// The flows check: every declared sequence passes against the four in-process sandboxes, an
// OpenAPI link becomes a flow of its own, and an implementation that breaks what a flow guards
// (a code leaked outside the vouchers endpoint, an order missing from the list, a reversal that
// does not restore the pool, a claim the voucher never shows, a wallet never charged) fails it.
import { describe, expect, it } from 'vitest';
import { deref } from '../../contracts/walk.ts';
import { flows, linkFlows } from '../../harness/checks/flows.ts';
import { runChecks, type RunReport } from '../../harness/run.ts';
import type { CheckTarget } from '../../harness/types.ts';
import { sharedSandboxTargets } from '../support/harness-targets.ts';
import type { TestSandbox } from '../support/sandbox.ts';

// One sandbox per provider for the whole file; each test brings its own fetch (broken or not) and target copy.
const start = sharedSandboxTargets();

type Rewrite = (req: Request, next: (req: Request) => Promise<Response>) => Promise<Response>;
/** The sandbox app's fetch with one property broken by `rewrite`. */
const broken = (s: TestSandbox, rewrite: Rewrite): typeof fetch =>
  ((input: RequestInfo | URL, init?: RequestInit) => rewrite(new Request(input, init), (req) => s.fetch(req))) as typeof fetch;

/** A response with its JSON body changed. */
async function withJson(res: Response, change: (body: any) => any): Promise<Response> {
  const body = change(await res.json());
  const headers = new Headers(res.headers);
  headers.delete('content-length');
  return new Response(JSON.stringify(body), { status: res.status, headers });
}

const fails = (r: RunReport) => r.findings.filter((f) => f.outcome === 'fail').map((f) => `${f.subject}: ${f.reason}`);
const subjects = (r: RunReport, outcome: string) => r.findings.filter((f) => f.outcome === outcome).map((f) => f.subject);

describe('against the sandboxes', () => {
  it.each([
    ['starship', ['order lifecycle › vouchers (getOrderVouchers)', 'order lifecycle › codes only from getOrderVouchers']],
    ['istar', ['star order › order (createStarOrder)', 'star order › walletAfter (getWalletBalance)']],
    ['sirgiving', ['action reversal › poolRestored (getTokenPool)', 'action reversal › again (reverseAction)']],
    ['odm', ['redemption › otp (control API)', 'redemption › claimed (getVoucher)', 'redemption › codes only from issueVoucher']],
  ] as const)('%s: every declared flow passes', async (id, expected) => {
    const { sb: s, target } = await start(id);
    const report = await runChecks(target, [flows], {}, { fetch: s.fetch });
    expect(fails(report)).toEqual([]);
    expect(subjects(report, 'skip')).toEqual([]);
    expect(subjects(report, 'pass')).toEqual(expect.arrayContaining([...expected]));
    expect(s.violations).toEqual([]);
  });

  it('skips the ODM redemption without a control URL (the OTP is only readable there) and runs the others', async () => {
    const odm = await start('odm', false);
    const report = await runChecks(odm.target, [flows], {}, { fetch: odm.sb.fetch });
    expect(report.findings).toEqual([expect.objectContaining({ subject: 'redemption', outcome: 'skip', reason: expect.stringMatching(/control URL.*OTP/) })]);
    const starship = await start('starship', false);
    const again = await runChecks(starship.target, [flows], {}, { fetch: starship.sb.fetch });
    expect(fails(again)).toEqual([]);
    expect(again.passed).toBe(6);
  });
});

describe('against broken implementations', () => {
  it('Starship: a voucher code in GET /orders/{order_id} (as its reference) fails "codes only from getOrderVouchers"', async () => {
    const { sb: s, target } = await start('starship');
    const store = s.instance.ctx.store;
    const fetch = broken(s, async (req, next) => {
      const res = await next(req);
      if (req.method !== 'GET' || !/\/orders\/[^/]+$/.test(new URL(req.url).pathname) || res.status !== 200) return res;
      return withJson(res, (order) => {
        const first = order.vouchers?.[0]?.voucher_id;
        return first ? { ...order, reference: store.get<{ code: string }>('ss_voucher', first)!.code } : order;
      });
    });
    const report = await runChecks(target, [flows], {}, { fetch });
    expect(fails(report)).toEqual([expect.stringMatching(/^order lifecycle › codes only from getOrderVouchers: get \(getOrder\) returns a code/)]);
  });

  it('Starship: an order missing from GET /orders fails the list step', async () => {
    const { sb: s, target } = await start('starship');
    const fetch = broken(s, async (req, next) => {
      const res = await next(req);
      return req.method === 'GET' && new URL(req.url).pathname.endsWith('/orders') ? withJson(res, () => ({ data: [] })) : res;
    });
    const report = await runChecks(target, [flows], {}, { fetch });
    expect(fails(report)).toEqual([expect.stringMatching(/^order lifecycle › list \(listOrders\): \/data has no element/)]);
  });

  it('SIR Giving: a reversal that does not return the tokens fails "poolRestored"', async () => {
    const { sb: s, target } = await start('sirgiving');
    const fetch = broken(s, async (req, next) => {
      const res = await next(req);
      // The reversal answers as documented, but the tokens go elsewhere.
      if (req.method === 'POST' && req.url.endsWith('/reversal') && res.status === 200) {
        const reversed = await res.clone().json();
        await s.control('POST', '/token-pool', { type: 'EXPIRATION', tokens: reversed.tokens });
      }
      return res;
    });
    const report = await runChecks(target, [flows], {}, { fetch });
    expect(fails(report)).toEqual([expect.stringMatching(/^action reversal › poolRestored \(getTokenPool\): \/available is \d+, expected \d+/)]);
  });

  it('ODM: a claimed voucher still shown active fails the last step of the redemption', async () => {
    const { sb: s, target } = await start('odm');
    const fetch = broken(s, async (req, next) => {
      const res = await next(req);
      return req.method === 'GET' && /\/partner\/v1\/vouchers\/[^/]+$/.test(new URL(req.url).pathname) ? withJson(res, (v) => ({ ...v, status: 'active', balance: v.amount })) : res;
    });
    const report = await runChecks(target, [flows], {}, { fetch });
    expect(fails(report)).toEqual([expect.stringMatching(/^redemption › claimed \(getVoucher\): \/status is "active", expected "claimed"/)]);
  });

  it('iStar: a star order the wallet never pays fails "walletAfter"', async () => {
    const { sb: s, target } = await start('istar');
    let first: number | undefined;
    const fetch = broken(s, async (req, next) => {
      const res = await next(req);
      if (!req.url.endsWith('/wallet/balance')) return res;
      return withJson(res, (w) => ({ ...w, balance: (first ??= w.balance) }));
    });
    const report = await runChecks(target, [flows], {}, { fetch });
    expect(fails(report)).toEqual([expect.stringMatching(/^star order › walletAfter \(getWalletBalance\): \/balance is [\d.]+, expected [\d.]+/)]);
  });
});

describe('OpenAPI links', () => {
  /** Adds a link listProducts 200 → getProduct to the target's spec. */
  function link(target: CheckTarget, expression: string): void {
    const responses = target.doc.paths['/products'].get.responses;
    responses['200'] = { ...deref(target.doc, responses['200']), links: { product: { operationId: 'getProduct', parameters: { product_id: expression } } } };
  }

  it('a link becomes a two-step flow: the target is called with the value the link names', async () => {
    const { sb: s, target } = await start('starship');
    link(target, '$response.body#/data/0/product_id');
    const report = await runChecks(target, [flows], {}, { fetch: s.fetch });
    expect(fails(report)).toEqual([]);
    expect(subjects(report, 'pass')).toEqual(expect.arrayContaining(['link listProducts → getProduct (product) › source (listProducts)', 'link listProducts → getProduct (product) › target (getProduct)']));
  });

  it('a link the implementation does not honour fails', async () => {
    const { sb: s, target } = await start('starship');
    link(target, '$response.body#/data/0/name');
    const report = await runChecks(target, [flows], {}, { fetch: s.fetch });
    expect(fails(report)).toEqual([expect.stringMatching(/^link listProducts → getProduct \(product\) › target \(getProduct\): expected a 2xx, got 4\d\d /)]);
  });

  it('links a declared flow already walks are not repeated', async () => {
    const { target } = await start('starship');
    const responses = target.doc.paths['/orders'].post.responses;
    responses['201'] = { ...deref(target.doc, responses['201']), links: { order: { operationId: 'getOrder', parameters: { order_id: '$response.body#/order_id' } } } };
    const ctx = { ...target } as any;
    expect(linkFlows(ctx).map((f) => f.name)).toEqual(['link createOrder → getOrder (order)']);
    const report = await runChecks(target, [flows], {}, { fetch: (await start('starship')).sb.fetch });
    expect(report.findings.some((f) => f.subject.startsWith('link createOrder'))).toBe(false);
  });
});
