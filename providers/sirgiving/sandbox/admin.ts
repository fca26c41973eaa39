/**
 * The admin surface (bearer token, D10): partner status and tier (D11, every status transition
 * fires partner.status_changed), and key pairs — generate, rotate (the old pair keeps working
 * until revoked), revoke (immediately 401 API_KEY_REVOKED).
 */
import type { SirGivingHandlers } from '../../../generated/sirgiving/server.ts';
import type { SandboxContext } from '../../../sandbox/provider.ts';
import { emitEvent } from './events.ts';
import { issueKeyPair, presentIssued, presentPair, requireLivePair, revokePair, rotatePair } from './keys.ts';
import { invalid, KIND, requirePartner, type PartnerRecord } from './records.ts';

/** updatePartner, generatePartnerKeys, revokePartnerKeys, rotatePartnerKeys. */
export function adminHandlers(ctx: SandboxContext): Pick<SirGivingHandlers, 'updatePartner' | 'generatePartnerKeys' | 'revokePartnerKeys' | 'rotatePartnerKeys'> {
  return {
    updatePartner: ({ params, body }) =>
      ctx.store.transaction(() => {
        const partner = requirePartner(ctx, params.partnerId);
        const updated: PartnerRecord = { ...partner, status: body.status ?? partner.status, tier: body.tier ?? partner.tier, updatedAt: ctx.clock.iso() };
        ctx.store.put(KIND.partner, partner.id, updated);
        if (updated.status !== partner.status) {
          emitEvent(ctx, partner.id, 'partner.status_changed', { previousStatus: partner.status, currentStatus: updated.status });
        }
        const { id, slug, name, status, tier, updatedAt } = updated;
        return { status: 200 as const, body: { id, slug, name, status, tier, updatedAt } };
      }),
    generatePartnerKeys: ({ params, body }) =>
      ctx.store.transaction(() => {
        const partner = requirePartner(ctx, params.partnerId);
        if (body.expiresAt && Date.parse(body.expiresAt) <= ctx.clock.now()) throw invalid('expiresAt must be in the future');
        const pair = issueKeyPair(ctx, partner.id, {
          environment: body.environment,
          ...(body.scopes ? { scopes: body.scopes } : {}),
          ...(body.ipAllowlist ? { ipAllowlist: body.ipAllowlist } : {}),
          ...(body.expiresAt ? { expiresAt: body.expiresAt } : {}),
        });
        return { status: 201 as const, body: presentIssued(pair) };
      }),
    rotatePartnerKeys: ({ params }) =>
      ctx.store.transaction(() => {
        requirePartner(ctx, params.partnerId);
        const pair = rotatePair(ctx, requireLivePair(ctx, params.partnerId, params.keyId));
        return { status: 201 as const, body: presentIssued(pair) };
      }),
    revokePartnerKeys: ({ params }) =>
      ctx.store.transaction(() => {
        requirePartner(ctx, params.partnerId);
        const revoked = revokePair(ctx, requireLivePair(ctx, params.partnerId, params.keyId));
        return { status: 200 as const, body: presentPair(ctx, revoked) };
      }),
  };
}
