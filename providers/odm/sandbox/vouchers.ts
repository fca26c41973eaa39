/**
 * The partner surface (D14–D18): issue, list, read and cancel vouchers, read the API access
 * record. Each state change runs in one transaction with the callback it emits.
 */
import type { OdmHandlers } from '../../../generated/odm/server.ts';
import { ProviderError } from '../../../runtime/server/errors.ts';
import { principalOf, type SandboxContext } from '../../../sandbox/provider.ts';
import type { OdmAttributes } from './auth.ts';
import { assertActive, currentVoucher, currentVouchers, emitCallback, EXPIRE_JOB } from './lifecycle.ts';
import { ALL_EVENTS, formatCode, KIND, newCode, newId, voucherView, type AccessRecord, type EventName, type VoucherRecord } from './records.ts';
import { platformKey } from './seed.ts';

/** ISO 4217 codes Node knows; ODM's real list is undocumented (D14). */
const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

const notFound = (id: string) => new ProviderError(404, 'VOUCHER_NOT_FOUND', `No voucher ${id} belongs to this partner.`);

export function partnerHandlers(ctx: SandboxContext): Partial<OdmHandlers> {
  /** The caller's voucher, expired first if overdue; another partner's is not found (D13). */
  const ownVoucher = (id: string, owner: string): VoucherRecord => {
    const voucher = currentVoucher(ctx, id);
    if (!voucher || voucher.owner !== owner) throw notFound(id);
    return voucher;
  };

  return {
    issueVoucher: ({ body, state }) => {
      const owner = principalOf(state).owner;
      if (!CURRENCIES.has(body.currency)) throw new ProviderError(400, 'VALIDATION_ERROR', `body.currency ${body.currency} is not a currency ODM supports (ISO 4217 alphabetic code).`);
      const nowMs = ctx.clock.now();
      const expiresMs = body.expires_at === undefined ? null : Date.parse(body.expires_at);
      if (expiresMs !== null && !(expiresMs > nowMs)) throw new ProviderError(400, 'VALIDATION_ERROR', `body.expires_at must be in the future (now ${ctx.clock.iso(nowMs)}); omit it for a voucher that never expires.`);
      return ctx.store.transaction(() => {
        let code = newCode();
        while (ctx.store.get(KIND.code, code)) code = newCode();
        const voucher: VoucherRecord = {
          voucher_id: newId(ctx, 'vch'),
          owner,
          reference: body.reference ?? null,
          status: 'active',
          amount: body.amount,
          currency: body.currency,
          balance: body.amount,
          phone: body.owner.phone,
          name: body.owner.name ?? null,
          // UTC, milliseconds kept only when given, so the voucher expires exactly when asked.
          expires_at: expiresMs === null ? null : new Date(expiresMs).toISOString().replace('.000Z', 'Z'),
          created_at: ctx.clock.iso(nowMs),
          createdAtMs: nowMs,
        };
        ctx.store.put(KIND.voucher, voucher.voucher_id, voucher, { owner });
        ctx.store.put(KIND.code, code, { voucher_id: voucher.voucher_id });
        if (expiresMs !== null) ctx.jobs.schedule(EXPIRE_JOB, { id: voucher.voucher_id }, expiresMs - nowMs);
        emitCallback(ctx, voucher, 'voucher.issued', voucher.created_at);
        const { voucher_id, ...rest } = voucherView(voucher);
        // The only response that carries the code (D15); key order as in the spec.
        return { status: 201, body: { voucher_id, code: formatCode(code), ...rest } };
      });
    },

    listVouchers: ({ query, state }) => {
      const page = query.page ?? 1;
      const perPage = query.per_page ?? 20;
      const matching = currentVouchers(ctx, principalOf(state).owner)
        .filter((v) => (query.status === undefined || v.status === query.status) && (query.reference === undefined || v.reference === query.reference))
        .sort((a, b) => b.createdAtMs - a.createdAtMs || (a.voucher_id < b.voucher_id ? 1 : a.voucher_id > b.voucher_id ? -1 : 0));
      const totalPages = Math.ceil(matching.length / perPage);
      const start = (page - 1) * perPage;
      return {
        status: 200,
        body: { data: start < matching.length ? matching.slice(start, start + perPage).map(voucherView) : [] },
        headers: {
          'X-Page': String(page),
          'X-Per-Page': String(perPage),
          'X-Total-Count': String(matching.length),
          'X-Total-Pages': String(totalPages),
          'X-Has-More': String(page < totalPages),
        },
      };
    },

    getVoucher: ({ params, state }) => ({ status: 200, body: voucherView(ownVoucher(params.voucherId, principalOf(state).owner)) }),

    cancelVoucher: ({ params, state }) => {
      const owner = principalOf(state).owner;
      assertActive(ownVoucher(params.voucherId, owner));
      return ctx.store.transaction(() => {
        const cancelled: VoucherRecord = { ...ctx.store.get<VoucherRecord>(KIND.voucher, params.voucherId)!, status: 'cancelled' };
        ctx.store.put(KIND.voucher, cancelled.voucher_id, cancelled, { owner });
        emitCallback(ctx, cancelled, 'voucher.cancelled', ctx.clock.iso());
        return { status: 200, body: voucherView(cancelled) };
      });
    },

    getApiAccess: ({ state }) => {
      const { accessId } = principalOf(state).attributes as unknown as OdmAttributes;
      const access = ctx.store.get<AccessRecord>(KIND.access, accessId!)!;
      // The portal's callback URL is an endpoint registered through the control API (D18, D21).
      const endpoints = ctx.webhooks?.endpoints(access.owner) ?? [];
      const subscribed = new Set<EventName>();
      for (const e of endpoints) for (const event of e.events.length ? e.events : ALL_EVENTS) if ((ALL_EVENTS as string[]).includes(event)) subscribed.add(event as EventName);
      return {
        status: 200,
        body: {
          access_id: access.access_id,
          status: access.status,
          allowed_origins: access.allowed_origins,
          // The spec allows only https URLs; a local http test receiver is reported as none set.
          callback_url: endpoints.find((e) => e.url.startsWith('https://'))?.url ?? null,
          subscribed_events: ALL_EVENTS.filter((e) => subscribed.has(e)),
          public_key: access.public_key,
          callback_public_key: platformKey(ctx)!.publicKeyBase64,
          created_at: access.created_at,
        },
      };
    },
  };
}
