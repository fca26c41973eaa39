/**
 * Reward actions (D16, D17): each draws its tokens from the dataset's pool in the same
 * transaction as the action is stored (ACTION_DRAW); a reversal returns all of them (REVERSAL)
 * and a second reversal is 409 ACTION_ALREADY_REVERSED.
 */
import type { SirGivingHandlers } from '../../../generated/sirgiving/server.ts';
import { ProviderError } from '../../../runtime/server/errors.ts';
import type { SandboxContext } from '../../../sandbox/provider.ts';
import { book } from './datasets.ts';
import { requireCampaign } from './public.ts';
import { findOrCreateUser, requireUser } from './users.ts';
import { callerOf, defaultCampaignId, invalid, KIND, objectId, partnerOf, scoped, type ActionRecord, type Schemas } from './records.ts';

/**
 * Tokens per 1.00 of a currency, for actions submitted as a `value` ("converted by SIR Giving";
 * the rate is undocumented). USD matches the spec's example: 10.00 USD → 1000 tokens.
 */
export const TOKENS_PER_UNIT: Record<string, number> = { USD: 100, EUR: 108, GBP: 127, CAD: 73, AUD: 66 };

/** Whole tokens for a `value` at the sandbox rate; 400 for a currency it does not convert or less than one token. */
export function tokensFor(value: Schemas['Money']): number {
  const rate = TOKENS_PER_UNIT[value.currency];
  if (rate === undefined) throw invalid(`value.currency ${value.currency} is not converted by the sandbox; use one of ${Object.keys(TOKENS_PER_UNIT).join(', ')} or send tokens`);
  const [units = '0', fraction = ''] = value.amount.split('.');
  const cents = Number(units) * 100 + Number(fraction.padEnd(2, '0'));
  const tokens = Math.floor((cents * rate) / 100);
  if (tokens < 1) throw invalid(`value ${value.amount} ${value.currency} converts to less than one token`);
  return tokens;
}

function requireAction(ctx: SandboxContext, dataset: string, actionId: string): ActionRecord {
  const action = ctx.store.get<ActionRecord>(KIND.action, scoped(dataset, actionId));
  if (!action) throw new ProviderError(404, 'ACTION_NOT_FOUND', `Action ${actionId} not found.`);
  return action;
}

/** submitAction, getAction, reverseAction. */
export function actionHandlers(ctx: SandboxContext): Pick<SirGivingHandlers, 'submitAction' | 'getAction' | 'reverseAction'> {
  return {
    submitAction: ({ body, state }) => {
      const caller = callerOf(state);
      return ctx.store.transaction(() => {
        if (ctx.faults.take('action_internal_error')) throw new ProviderError(500, 'INTERNAL_ERROR', 'Forced failure (sandbox fault action_internal_error): nothing was drawn; retry the request.');
        const tokens = 'tokens' in body ? body.tokens : tokensFor(body.value);
        const partner = partnerOf(ctx, caller.partnerId)!;
        if (!partner.stakeholderTypeCodes.includes(body.stakeholderTypeCode)) {
          throw new ProviderError(422, 'STAKEHOLDER_TYPE_NOT_REGISTERED', `stakeholderTypeCode '${body.stakeholderTypeCode}' is not registered for this partner; registered: ${partner.stakeholderTypeCodes.join(', ')}.`);
        }
        const user = 'userId' in body ? requireUser(ctx, caller.dataset, body.userId) : findOrCreateUser(ctx, caller.dataset, body.externalUserId);
        const campaignId = body.campaignId ? requireCampaign(ctx, caller.dataset, body.campaignId).id : defaultCampaignId(ctx, caller.dataset);
        const id = objectId(ctx);
        const draw = book(ctx, caller.dataset, { type: 'ACTION_DRAW', direction: 'DEBIT', tokens, actionId: id });
        const action: ActionRecord = {
          id,
          status: 'COMPLETED',
          stakeholderTypeCode: body.stakeholderTypeCode,
          tokens,
          value: 'value' in body ? body.value : null,
          userId: user.id,
          externalUserId: 'externalUserId' in body ? body.externalUserId : null,
          campaignId,
          metadata: body.metadata ?? {},
          transactionId: draw.id,
          createdAt: draw.createdAt,
          reversal: null,
        };
        ctx.store.put(KIND.action, scoped(caller.dataset, id), action, { owner: caller.dataset });
        return { status: 201 as const, body: action };
      });
    },
    getAction: ({ params, state }) => ({ status: 200, body: requireAction(ctx, callerOf(state).dataset, params.actionId) }),
    reverseAction: ({ params, body, state }) => {
      const { dataset } = callerOf(state);
      return ctx.store.transaction(() => {
        const action = requireAction(ctx, dataset, params.actionId);
        if (action.status === 'REVERSED') throw new ProviderError(409, 'ACTION_ALREADY_REVERSED', `Action ${action.id} is already reversed.`);
        const reason = body?.reason ?? null;
        const credit = book(ctx, dataset, { type: 'REVERSAL', direction: 'CREDIT', tokens: action.tokens, actionId: action.id, description: reason });
        const reversed: ActionRecord = {
          ...action,
          status: 'REVERSED',
          reversal: { reversedAt: credit.createdAt, reason, tokensReturned: action.tokens, transactionId: credit.id },
        };
        ctx.store.put(KIND.action, scoped(dataset, action.id), reversed, { owner: dataset });
        return { status: 200 as const, body: reversed };
      });
    },
  };
}
