/** The token pool and its ledger ("view transactions", D18), both secret scope. */
import type { SirGivingHandlers } from '../../../generated/sirgiving/server.ts';
import type { SandboxContext } from '../../../sandbox/provider.ts';
import { poolOf, presentPool } from './datasets.ts';
import { callerOf, KIND, paginate, type TransactionRecord } from './records.ts';

/** getTokenPool, listTransactions. */
export function ledgerHandlers(ctx: SandboxContext): Pick<SirGivingHandlers, 'listTransactions' | 'getTokenPool'> {
  return {
    getTokenPool: ({ state }) => ({ status: 200, body: presentPool(poolOf(ctx, callerOf(state).dataset)) }),
    listTransactions: ({ query, state }) => {
      const { dataset } = callerOf(state);
      const from = query.from ? Date.parse(query.from) : -Infinity;
      const to = query.to ? Date.parse(query.to) : Infinity;
      // Newest first: the store keeps insertion order.
      const entries = ctx.store
        .list<TransactionRecord>(KIND.transaction, dataset)
        .reverse()
        .filter((t) => (!query.type || t.type === query.type) && (!query.actionId || t.actionId === query.actionId))
        .filter((t) => {
          const at = Date.parse(t.createdAt);
          return at >= from && at < to;
        });
      return { status: 200, body: paginate(entries, query.page, query.limit) };
    },
  };
}
