/**
 * Payouts (D23): the wallet is debited at once (a `payout` transaction), the payout starts
 * PENDING, moves to PROCESSING and then COMPLETED — or FAILED with the amount credited back.
 * No webhooks are documented for payouts: clients poll GET /payouts/{payout_id}.
 */
import type { StarshipHandlers } from '../../../generated/starship/server.ts';
import { ProviderError } from '../../../runtime/server/errors.ts';
import type { JobHandler } from '../../../sandbox/jobs.ts';
import { principalOf, type SandboxContext } from '../../../sandbox/provider.ts';
import { fromCents, KIND, newId, toCents, type PartnerRecord, type PayoutRecord, type Schemas } from './model.ts';
import { paginate } from './paging.ts';
import { book, ensureBalance, walletOf } from './wallet.ts';

/** Business time from PENDING to PROCESSING, and from PROCESSING to COMPLETED/FAILED. */
export const PAYOUT_PROCESSING_MS = 5_000;
export const PAYOUT_SETTLE_MS = 60_000;
const JOB = { process: 'starship.payout.process', settle: 'starship.payout.settle' } as const;

const toPayout = (p: PayoutRecord): Schemas['Payout'] => ({
  payout_id: p.payout_id,
  status: p.status,
  amount: fromCents(p.amountCents),
  currency: p.currency,
  destination: p.destination,
  reference: p.reference,
  failure_reason: p.failure_reason,
  created_at: p.created_at,
  updated_at: p.updated_at,
});

const save = (ctx: SandboxContext, p: PayoutRecord) => ctx.store.put(KIND.payout, p.payout_id, p, { owner: p.owner });

/** createPayout, listPayouts, getPayout. */
export function payoutHandlers(ctx: SandboxContext): Partial<StarshipHandlers> {
  return {
    createPayout: ({ body, state }) => {
      const owner = principalOf(state).owner;
      const wallet = walletOf(ctx, owner);
      if (body.currency !== wallet.currency) throw new ProviderError(400, 'VALIDATION_ERROR', `currency must be the wallet currency (${wallet.currency}), got ${body.currency}.`);
      // Validated as it will be stored: in cents (the wallet currencies' minor unit). A positive
      // amount that rounds to 0.00 (4.9e-324, 1e-9) would store a zero payout.
      const cents = toCents(body.amount);
      if (Math.abs(cents - body.amount * 100) > 1e-6) throw new ProviderError(400, 'VALIDATION_ERROR', `amount must have at most two decimal places, got ${body.amount}.`);
      if (!(cents >= 1)) throw new ProviderError(400, 'VALIDATION_ERROR', `amount must be at least 0.01 ${wallet.currency} once rounded to cents, got ${body.amount}.`);
      const partner = ctx.store.get<PartnerRecord>(KIND.partner, owner)!;
      const destination = partner.destinations.find((d) => d.type === body.destination.type && d.account_reference === body.destination.account_reference);
      if (!destination) {
        throw new ProviderError(400, 'VALIDATION_ERROR', `destination ${body.destination.type} "${body.destination.account_reference}" is not registered for this partner: payouts go only to destinations registered with Starship during onboarding.`);
      }
      const payout = ctx.store.transaction(() => {
        ensureBalance(ctx, owner, cents, 'this payout');
        const now = ctx.clock.iso();
        const record: PayoutRecord = { payout_id: newId('po'), owner, status: 'PENDING', amountCents: cents, currency: wallet.currency, destination, reference: body.reference ?? null, failure_reason: null, created_at: now, updated_at: now };
        book(ctx, owner, { type: 'payout', cents, payout_id: record.payout_id, description: `Payout to ${destination.account_reference}` });
        save(ctx, record);
        ctx.jobs.schedule(JOB.process, { payout_id: record.payout_id, due: ctx.clock.now() + PAYOUT_PROCESSING_MS }, PAYOUT_PROCESSING_MS);
        return record;
      });
      return { status: 201, body: toPayout(payout) };
    },
    listPayouts: ({ query, state }) => {
      const page = paginate(ctx.store.list<PayoutRecord>(KIND.payout, principalOf(state).owner).reverse(), query);
      return { status: 200, body: { data: page.data.map(toPayout) }, headers: page.headers };
    },
    getPayout: ({ params, state }) => {
      const payout = ctx.store.get<PayoutRecord>(KIND.payout, params.payout_id);
      if (!payout || payout.owner !== principalOf(state).owner) throw new ProviderError(404, 'NOT_FOUND', `payout ${params.payout_id} not found`);
      return { status: 200, body: toPayout(payout) };
    },
  };
}

/** Lifecycle steps; each carries the instant it was due so one clock jump plays them all (see fulfilment.ts). */
export function payoutJobs(ctx: SandboxContext): Record<string, JobHandler> {
  const load = (id: string) => ctx.store.get<PayoutRecord>(KIND.payout, id);
  type Step = { payout_id: string; due?: number };
  return {
    [JOB.process]: ({ payout_id, due = ctx.clock.now() }: Step) => {
      const p = load(payout_id);
      if (!p || p.status !== 'PENDING') return;
      ctx.store.transaction(() => {
        save(ctx, { ...p, status: 'PROCESSING', updated_at: ctx.clock.iso(due) });
        ctx.jobs.schedule(JOB.settle, { payout_id, due: due + PAYOUT_SETTLE_MS }, Math.max(0, due + PAYOUT_SETTLE_MS - ctx.clock.now()));
      });
    },
    [JOB.settle]: ({ payout_id, due = ctx.clock.now() }: Step) => {
      const p = load(payout_id);
      if (!p || p.status !== 'PROCESSING') return;
      ctx.store.transaction(() => {
        if (ctx.faults.take('payout_failure')) {
          // The returned money is a `credit`; payout_id stays null (the spec links only `payout` movements).
          book(ctx, p.owner, { type: 'credit', cents: p.amountCents, description: `Returned payout ${payout_id}: rejected by the destination`, at: due });
          save(ctx, { ...p, status: 'FAILED', failure_reason: `The destination ${p.destination.account_reference} rejected the transfer (account closed).`, updated_at: ctx.clock.iso(due) });
        } else {
          save(ctx, { ...p, status: 'COMPLETED', updated_at: ctx.clock.iso(due) });
        }
      });
    },
  };
}
