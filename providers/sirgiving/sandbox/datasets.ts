/**
 * A partner's dataset in one environment and its token pool ledger (D18): every balance change is
 * one Transaction, and the pool's counters move with it, so `available` always equals the last
 * entry's balanceAfter.
 */
import { ProviderError } from '../../../runtime/server/errors.ts';
import type { SandboxContext } from '../../../sandbox/provider.ts';
import { datasetOf, KIND, objectId, scoped, type Environment, type PoolRecord, type Schemas, type TransactionRecord } from './records.ts';

const NO_RESTRICTIONS: PoolRecord['restrictions'] = { vestingPeriodDays: null, tokenExpirationDays: null, poolExpiresAt: null, redemptionRules: [] };

/** Creates the dataset's (empty) pool the first time a key pair of this environment is issued. */
export function ensureDataset(ctx: SandboxContext, partnerId: string, environment: Environment, restrictions = NO_RESTRICTIONS): string {
  const dataset = datasetOf(partnerId, environment);
  if (!ctx.store.get<PoolRecord>(KIND.pool, dataset)) {
    ctx.store.put<PoolRecord>(KIND.pool, dataset, { allocated: 0, drawn: 0, expired: 0, restrictions, updatedAt: ctx.clock.iso() }, { owner: dataset });
  }
  return dataset;
}

/** The dataset's pool (every dataset gets one when its first key pair is issued). */
export function poolOf(ctx: SandboxContext, dataset: string): PoolRecord {
  const pool = ctx.store.get<PoolRecord>(KIND.pool, dataset);
  if (!pool) throw new ProviderError(500, 'INTERNAL_ERROR', 'This dataset has no token pool.');
  return pool;
}

/** allocated − drawn − expired (D18). */
export const available = (pool: PoolRecord) => pool.allocated - pool.drawn - pool.expired;

/** The pool as GET /token-pool shows it. */
export function presentPool(pool: PoolRecord): Schemas['TokenPool'] {
  return { allocated: pool.allocated, drawn: pool.drawn, available: available(pool), restrictions: pool.restrictions, updatedAt: pool.updatedAt };
}

/** One ledger entry to book. */
export interface Booking {
  type: TransactionRecord['type'];
  direction: TransactionRecord['direction'];
  tokens: number;
  actionId?: string | null;
  description?: string | null;
}

/**
 * Books one ledger entry and moves the pool: ALLOCATION and ADJUSTMENT change what was allocated,
 * ACTION_DRAW and REVERSAL what was drawn, EXPIRATION what expired. Call inside a transaction.
 */
export function book(ctx: SandboxContext, dataset: string, entry: Booking): TransactionRecord {
  const pool = { ...poolOf(ctx, dataset) };
  const signed = entry.direction === 'CREDIT' ? entry.tokens : -entry.tokens;
  if (entry.type === 'ALLOCATION' || entry.type === 'ADJUSTMENT') pool.allocated += signed;
  else if (entry.type === 'ACTION_DRAW' || entry.type === 'REVERSAL') pool.drawn -= signed;
  else pool.expired -= signed;
  if (available(pool) < 0 || pool.drawn < 0 || pool.allocated < 0 || pool.expired < 0) {
    throw new ProviderError(422, 'INSUFFICIENT_TOKEN_POOL', `Token pool has ${available(poolOf(ctx, dataset))} tokens available; ${entry.tokens} requested.`);
  }
  const now = ctx.clock.iso();
  pool.updatedAt = now;
  const txn: TransactionRecord = {
    id: objectId(ctx),
    type: entry.type,
    direction: entry.direction,
    tokens: entry.tokens,
    balanceAfter: available(pool),
    actionId: entry.actionId ?? null,
    description: entry.description ?? null,
    createdAt: now,
  };
  ctx.store.put(KIND.pool, dataset, pool, { owner: dataset });
  ctx.store.put(KIND.transaction, scoped(dataset, txn.id), txn, { owner: dataset });
  return txn;
}
