/**
 * Publishable-scope operations ("Read public partner config, look up nonprofit by slug, create
 * donation links"): callable with a pk_ key alone, or a signed sk_ key.
 */
import type { SirGivingHandlers } from '../../../generated/sirgiving/server.ts';
import { ProviderError } from '../../../runtime/server/errors.ts';
import type { SandboxContext } from '../../../sandbox/provider.ts';
import { callerOf, defaultCampaignId, KIND, objectId, partnerOf, scoped, type CampaignRecord, type DonationLinkRecord, type NonprofitRecord } from './records.ts';

/** Where donation pages live is undocumented; the spec's example host. */
export const DONATION_LINK_BASE = 'https://sirgiving.org/give/';

/** A campaign named in a body must exist in the caller's dataset (422 CAMPAIGN_NOT_FOUND, D22). */
export function requireCampaign(ctx: SandboxContext, dataset: string, campaignId: string): CampaignRecord {
  const campaign = ctx.store.get<CampaignRecord>(KIND.campaign, scoped(dataset, campaignId));
  if (!campaign) throw new ProviderError(422, 'CAMPAIGN_NOT_FOUND', `Campaign ${campaignId} not found.`);
  return campaign;
}

/** getPartnerConfig, getNonprofitBySlug, createDonationLink. */
export function publicHandlers(ctx: SandboxContext): Pick<SirGivingHandlers, 'getPartnerConfig' | 'getNonprofitBySlug' | 'createDonationLink'> {
  return {
    getPartnerConfig: ({ state }) => {
      const caller = callerOf(state);
      const partner = partnerOf(ctx, caller.partnerId)!;
      return {
        status: 200,
        body: {
          partnerId: partner.id,
          slug: partner.slug,
          name: partner.name,
          environment: caller.environment,
          integrationModel: partner.integrationModel,
          stakeholderTypeCodes: partner.stakeholderTypeCodes,
          defaultCampaignId: defaultCampaignId(ctx, caller.dataset),
        },
      };
    },
    getNonprofitBySlug: ({ params }) => {
      const nonprofit = ctx.store.get<NonprofitRecord>(KIND.nonprofit, params.slug);
      if (!nonprofit) throw new ProviderError(404, 'NONPROFIT_NOT_FOUND', `Nonprofit '${params.slug}' not found.`);
      return { status: 200, body: nonprofit };
    },
    createDonationLink: ({ body, state }) => {
      const { dataset } = callerOf(state);
      if (!ctx.store.get<NonprofitRecord>(KIND.nonprofit, body.nonprofitSlug)) throw new ProviderError(422, 'NONPROFIT_NOT_FOUND', `Nonprofit '${body.nonprofitSlug}' not found.`);
      if (body.campaignId) requireCampaign(ctx, dataset, body.campaignId);
      const id = objectId(ctx);
      const link: DonationLinkRecord = {
        id,
        url: DONATION_LINK_BASE + id,
        nonprofitSlug: body.nonprofitSlug,
        campaignId: body.campaignId ?? null,
        externalUserId: body.externalUserId ?? null,
        suggestedAmount: body.suggestedAmount ?? null,
        metadata: body.metadata ?? {},
        createdAt: ctx.clock.iso(),
      };
      ctx.store.transaction(() => ctx.store.put(KIND.donationLink, scoped(dataset, id), link, { owner: dataset }));
      return { status: 201, body: link };
    },
  };
}
