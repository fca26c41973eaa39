/** Partner-managed users ("manage users", D20): externalId is unique per dataset. */
import type { SirGivingHandlers } from '../../../generated/sirgiving/server.ts';
import { ProviderError } from '../../../runtime/server/errors.ts';
import type { SandboxContext } from '../../../sandbox/provider.ts';
import { callerOf, KIND, objectId, paginate, scoped, type UserRecord } from './records.ts';

/** externalId → user id, per dataset. */
const EXTERNAL_INDEX = 'user_external_id';

/** The dataset's user with this externalId, if any. */
export const userByExternalId = (ctx: SandboxContext, dataset: string, externalId: string): UserRecord | undefined => {
  const ref = ctx.store.get<{ userId: string }>(EXTERNAL_INDEX, scoped(dataset, externalId));
  return ref && ctx.store.get<UserRecord>(KIND.user, scoped(dataset, ref.userId));
};

/** Stores a user; the caller has checked that the externalId is free. Call inside a transaction. */
export function createUserRecord(ctx: SandboxContext, dataset: string, input: { externalId: string; email?: string | null; displayName?: string | null; metadata?: Record<string, string> }): UserRecord {
  const user: UserRecord = {
    id: objectId(ctx),
    externalId: input.externalId,
    email: input.email ?? null,
    displayName: input.displayName ?? null,
    metadata: input.metadata ?? {},
    createdAt: ctx.clock.iso(),
  };
  ctx.store.put(KIND.user, scoped(dataset, user.id), user, { owner: dataset });
  ctx.store.put(EXTERNAL_INDEX, scoped(dataset, user.externalId), { userId: user.id }, { owner: dataset });
  return user;
}

/** A userId named in an action body must exist (422 USER_NOT_FOUND, D22). */
export function requireUser(ctx: SandboxContext, dataset: string, userId: string): UserRecord {
  const user = ctx.store.get<UserRecord>(KIND.user, scoped(dataset, userId));
  if (!user) throw new ProviderError(422, 'USER_NOT_FOUND', `User ${userId} not found.`);
  return user;
}

/** An action's externalUserId: "a user record is matched or created" (D16). */
export const findOrCreateUser = (ctx: SandboxContext, dataset: string, externalId: string): UserRecord =>
  userByExternalId(ctx, dataset, externalId) ?? createUserRecord(ctx, dataset, { externalId });

/** listUsers, createUser. */
export function userHandlers(ctx: SandboxContext): Pick<SirGivingHandlers, 'listUsers' | 'createUser'> {
  return {
    listUsers: ({ query, state }) => {
      const { dataset } = callerOf(state);
      const users = ctx.store.list<UserRecord>(KIND.user, dataset).reverse();
      const matching = query.externalId === undefined ? users : users.filter((u) => u.externalId === query.externalId);
      return { status: 200, body: paginate(matching, query.page, query.limit) };
    },
    createUser: ({ body, state }) => {
      const { dataset } = callerOf(state);
      return ctx.store.transaction(() => {
        if (userByExternalId(ctx, dataset, body.externalId)) throw new ProviderError(409, 'USER_ALREADY_EXISTS', `A user with externalId '${body.externalId}' already exists.`);
        return { status: 201 as const, body: createUserRecord(ctx, dataset, body) };
      });
    },
  };
}
