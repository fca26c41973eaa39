/**
 * Secret-scope management: webhook endpoint registration (D15: per partner, signed with the
 * partner's HMAC secret, so no per-endpoint secret) and campaigns with split rules (D20).
 */
import type { SirGivingHandlers } from '../../../generated/sirgiving/server.ts';
import { ProviderError } from '../../../runtime/server/errors.ts';
import type { SandboxContext } from '../../../sandbox/provider.ts';
import type { WebhookEndpoint } from '../../../sandbox/webhooks.ts';
import { callerOf, invalid, KIND, objectId, partnerOf, scoped, type CampaignRecord, type NonprofitRecord, type Schemas } from './records.ts';

type ApiEndpoint = WebhookEndpoint & { active: boolean };

/**
 * Endpoints as the API shows them. The control API can add http:// test receivers with
 * non-ObjectId ids; they receive deliveries but are not part of the partner's registrations.
 */
const isApiEndpoint = (e: WebhookEndpoint) => /^[0-9a-f]{24}$/.test(e.id) && e.url.startsWith('https://');

const presentEndpoint = (e: WebhookEndpoint): Schemas['WebhookEndpoint'] => ({
  id: e.id,
  url: e.url,
  events: e.events as Schemas['WebhookEventName'][],
  active: (e as ApiEndpoint).active ?? true,
  createdAt: e.createdAt,
});

/** Whether actions may use the campaign now: started (or no start) and not ended. */
export function presentCampaign(ctx: SandboxContext, c: CampaignRecord): CampaignRecord {
  const now = ctx.clock.now();
  return { ...c, active: (!c.startsAt || Date.parse(c.startsAt) <= now) && (!c.endsAt || Date.parse(c.endsAt) > now) };
}

function checkSplitRules(ctx: SandboxContext, registered: string[], rules: Schemas['SplitRule'][]): void {
  const seen = new Set<string>();
  for (const [i, rule] of rules.entries()) {
    if (seen.has(rule.stakeholderTypeCode)) throw invalid(`splitRules.${i}: stakeholderTypeCode ${rule.stakeholderTypeCode} has more than one rule`);
    seen.add(rule.stakeholderTypeCode);
    const total = rule.allocations.reduce((sum, a) => sum + a.percent, 0);
    if (total !== 100) throw invalid(`splitRules.${i}.allocations: percent values must sum to 100 (got ${total})`);
    for (const [j, a] of rule.allocations.entries()) {
      if (a.party === 'NONPROFIT' && !a.nonprofitSlug) throw invalid(`splitRules.${i}.allocations.${j}: a NONPROFIT share names its nonprofitSlug`);
      if (a.party !== 'NONPROFIT' && a.nonprofitSlug) throw invalid(`splitRules.${i}.allocations.${j}: nonprofitSlug is only allowed with party NONPROFIT`);
    }
  }
  for (const rule of rules) {
    if (!registered.includes(rule.stakeholderTypeCode)) {
      throw new ProviderError(422, 'STAKEHOLDER_TYPE_NOT_REGISTERED', `stakeholderTypeCode '${rule.stakeholderTypeCode}' is not registered for this partner; registered: ${registered.join(', ')}.`);
    }
    for (const a of rule.allocations) {
      if (a.nonprofitSlug && !ctx.store.get<NonprofitRecord>(KIND.nonprofit, a.nonprofitSlug)) throw new ProviderError(422, 'NONPROFIT_NOT_FOUND', `Nonprofit '${a.nonprofitSlug}' not found.`);
    }
  }
}

/** Stores a campaign; a new default replaces the current one. Call inside a transaction. */
export function createCampaignRecord(ctx: SandboxContext, dataset: string, input: Schemas['CreateCampaignRequest']): CampaignRecord {
  if (input.isDefault) {
    for (const c of ctx.store.list<CampaignRecord>(KIND.campaign, dataset)) {
      if (c.isDefault) ctx.store.put(KIND.campaign, scoped(dataset, c.id), { ...c, isDefault: false }, { owner: dataset });
    }
  }
  const campaign: CampaignRecord = {
    id: objectId(ctx),
    name: input.name,
    isDefault: input.isDefault ?? false,
    active: true,
    splitRules: input.splitRules,
    startsAt: input.startsAt ? new Date(input.startsAt).toISOString() : null,
    endsAt: input.endsAt ? new Date(input.endsAt).toISOString() : null,
    createdAt: ctx.clock.iso(),
  };
  ctx.store.put(KIND.campaign, scoped(dataset, campaign.id), campaign, { owner: dataset });
  return campaign;
}

/** listWebhooks, registerWebhook, deleteWebhook, listCampaigns, createCampaign. */
export function managementHandlers(ctx: SandboxContext): Pick<SirGivingHandlers, 'listWebhooks' | 'registerWebhook' | 'deleteWebhook' | 'listCampaigns' | 'createCampaign'> {
  const webhooks = ctx.webhooks!;
  return {
    listWebhooks: ({ state }) => ({ status: 200, body: { data: webhooks.endpoints(callerOf(state).partnerId).filter(isApiEndpoint).map(presentEndpoint) } }),
    registerWebhook: ({ body, state }) => {
      const endpoint: ApiEndpoint = { id: objectId(ctx), owner: callerOf(state).partnerId, url: body.url, events: [...body.events], active: true, createdAt: ctx.clock.iso() };
      ctx.store.transaction(() => webhooks.addEndpoint(endpoint));
      return { status: 201, body: presentEndpoint(endpoint) };
    },
    deleteWebhook: ({ params, state }) => {
      const endpoint = webhooks.endpoints(callerOf(state).partnerId).find((e) => e.id === params.webhookId && isApiEndpoint(e));
      if (!endpoint) throw new ProviderError(404, 'WEBHOOK_NOT_FOUND', `Webhook ${params.webhookId} not found.`);
      ctx.store.transaction(() => webhooks.removeEndpoint(endpoint.id));
      return { status: 204, body: undefined };
    },
    listCampaigns: ({ state }) => ({ status: 200, body: { data: ctx.store.list<CampaignRecord>(KIND.campaign, callerOf(state).dataset).map((c) => presentCampaign(ctx, c)) } }),
    createCampaign: ({ body, state }) => {
      const caller = callerOf(state);
      if (body.startsAt && body.endsAt && Date.parse(body.startsAt) >= Date.parse(body.endsAt)) throw invalid('endsAt must be after startsAt');
      checkSplitRules(ctx, partnerOf(ctx, caller.partnerId)!.stakeholderTypeCodes, body.splitRules);
      const campaign = ctx.store.transaction(() => createCampaignRecord(ctx, caller.dataset, body));
      return { status: 201, body: presentCampaign(ctx, campaign) };
    },
  };
}
