/**
 * The partner wallet: every movement is a transaction record (debit, credit, refund, payout)
 * booked in the same store transaction as the change that caused it. GET /wallet, GET /transactions.
 */
import type { StarshipHandlers } from '../../../generated/starship/server.ts';
import { ProviderError } from '../../../runtime/server/errors.ts';
import { principalOf, type SandboxContext } from '../../../sandbox/provider.ts';
import { fromCents, KIND, money, newId, type Schemas, type TransactionRecord, type WalletRecord } from './model.ts';
import { paginate } from './paging.ts';

/** The partner's wallet (seeded with the partner). */
export const walletOf = (ctx: SandboxContext, owner: string): WalletRecord => {
  const wallet = ctx.store.get<WalletRecord>(KIND.wallet, owner);
  if (!wallet) throw new ProviderError(500, 'INTERNAL_ERROR', `partner ${owner} has no wallet`);
  return wallet;
};

/** Throws 422 INSUFFICIENT_BALANCE when the wallet cannot cover `cents` (D20). */
export function ensureBalance(ctx: SandboxContext, owner: string, cents: number, what: string): void {
  const wallet = walletOf(ctx, owner);
  if (wallet.balanceCents < cents) {
    throw new ProviderError(422, 'INSUFFICIENT_BALANCE', `The wallet holds ${money(wallet.balanceCents, wallet.currency)}; ${what} needs ${money(cents, wallet.currency)}. Top up the wallet or reduce the amount.`);
  }
}

/** A wallet movement to book. */
export interface Movement {
  type: Schemas['TransactionType'];
  cents: number;
  order_id?: string;
  payout_id?: string;
  description: string;
  /** When it was booked (business ms; default now). */
  at?: number;
}

/** Books one movement and updates the balance. Callers check the balance first (ensureBalance). */
export function book(ctx: SandboxContext, owner: string, m: Movement): TransactionRecord {
  const wallet = walletOf(ctx, owner);
  const outgoing = m.type === 'debit' || m.type === 'payout';
  const balance = wallet.balanceCents + (outgoing ? -m.cents : m.cents);
  const now = ctx.clock.iso(m.at);
  ctx.store.put<WalletRecord>(KIND.wallet, owner, { ...wallet, balanceCents: balance, updated_at: now }, { owner });
  const txn: TransactionRecord = {
    transaction_id: newId('txn'),
    type: m.type,
    amountCents: m.cents,
    currency: wallet.currency,
    balanceAfterCents: balance,
    order_id: m.order_id ?? null,
    payout_id: m.payout_id ?? null,
    description: m.description,
    created_at: now,
  };
  ctx.store.put(KIND.transaction, txn.transaction_id, txn, { owner });
  return txn;
}

const toTransaction = (t: TransactionRecord): Schemas['Transaction'] => ({
  transaction_id: t.transaction_id,
  type: t.type,
  amount: fromCents(t.amountCents),
  currency: t.currency,
  balance_after: fromCents(t.balanceAfterCents),
  order_id: t.order_id,
  payout_id: t.payout_id,
  description: t.description,
  created_at: t.created_at,
});

/** getWallet, listTransactions (type and order filters, newest first). */
export function walletHandlers(ctx: SandboxContext): Partial<StarshipHandlers> {
  return {
    getWallet: ({ state }) => {
      const w = walletOf(ctx, principalOf(state).owner);
      return { status: 200, body: { balance: fromCents(w.balanceCents), currency: w.currency, updated_at: w.updated_at } };
    },
    listTransactions: ({ query, state }) => {
      const all = ctx.store
        .list<TransactionRecord>(KIND.transaction, principalOf(state).owner)
        .filter((t) => (!query.type || t.type === query.type) && (!query.order_id || t.order_id === query.order_id))
        .reverse();
      const page = paginate(all, query);
      return { status: 200, body: { data: page.data.map(toTransaction) }, headers: page.headers };
    },
  };
}
