/**
 * The merchant surface (D19, D20): validate a code (texts the owner an OTP), resend the OTP,
 * claim with it (partial claims reduce the balance), read a claim. OTP lifetimes run on the
 * business clock, so tests advance time instead of waiting.
 */
import { timingSafeEqual } from 'node:crypto';
import type { OdmHandlers } from '../../../generated/odm/server.ts';
import { ProviderError } from '../../../runtime/server/errors.ts';
import { principalOf, type SandboxContext } from '../../../sandbox/provider.ts';
import { assertActive, currentVoucher, emitCallback } from './lifecycle.ts';
import {
  claimView,
  KIND,
  MAX_WRONG_OTPS,
  newId,
  newOtp,
  normalizeCode,
  OTP_RESEND_INTERVAL_MS,
  OTP_TTL_MS,
  validationView,
  type ClaimRecord,
  type ValidationRecord,
  type VoucherRecord,
} from './records.ts';

const sameOtp = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export function merchantHandlers(ctx: SandboxContext): Partial<OdmHandlers> {
  /** The merchant's open validation: 404 when unknown or another merchant's, 423 when locked, 422 when used. */
  const openValidation = (id: string, merchant: string): ValidationRecord => {
    const validation = ctx.store.get<ValidationRecord>(KIND.validation, id);
    if (!validation || validation.owner !== merchant) throw new ProviderError(404, 'VALIDATION_NOT_FOUND', `No validation ${id} belongs to this merchant.`);
    if (validation.locked) throw new ProviderError(423, 'OTP_ATTEMPTS_EXCEEDED', `${MAX_WRONG_OTPS} wrong OTPs locked validation ${id}: validate the voucher again (a new OTP is sent).`);
    if (validation.claimId) throw new ProviderError(422, 'VALIDATION_ALREADY_USED', `Validation ${id} was already used by claim ${validation.claimId}; validate the voucher again to claim more.`);
    return validation;
  };
  /** The validation's voucher, still claimable (422 otherwise). */
  const claimableVoucher = (validation: ValidationRecord): VoucherRecord => {
    const voucher = currentVoucher(ctx, validation.voucher_id)!;
    assertActive(voucher);
    return voucher;
  };

  return {
    validateVoucher: ({ body, state }) => {
      const merchant = principalOf(state).owner;
      const code = normalizeCode(body.code);
      const entry = code.length === 16 ? ctx.store.get<{ voucher_id: string }>(KIND.code, code) : undefined;
      if (!entry) throw new ProviderError(404, 'VOUCHER_NOT_FOUND', 'No voucher has this code: check it with the owner (16 characters; case, hyphens and spaces do not matter).');
      const voucher = currentVoucher(ctx, entry.voucher_id)!;
      assertActive(voucher);
      return ctx.store.transaction(() => {
        const validation: ValidationRecord = {
          validation_id: newId(ctx, 'val'),
          owner: merchant,
          voucher_id: voucher.voucher_id,
          otp: newOtp(), // "texted" to the owner: tests read it from GET /_accord/otp
          otpSentAtMs: ctx.clock.now(),
          wrongAttempts: 0,
          locked: false,
          claimId: null,
          created_at: ctx.clock.iso(),
        };
        ctx.store.put(KIND.validation, validation.validation_id, validation, { owner: merchant });
        return { status: 200, body: validationView(validation, voucher) };
      });
    },

    resendOtp: ({ params, state }) => {
      const validation = openValidation(params.validationId, principalOf(state).owner);
      const voucher = claimableVoucher(validation);
      const waitMs = validation.otpSentAtMs + OTP_RESEND_INTERVAL_MS - ctx.clock.now();
      if (waitMs > 0) {
        const seconds = String(Math.max(1, Math.ceil(waitMs / 1000)));
        throw new ProviderError(429, 'RATE_LIMITED', `An OTP was sent less than 60 s ago; resend after ${seconds} s (otp.resend_available_at).`, { headers: { 'Retry-After': seconds } });
      }
      return ctx.store.transaction(() => {
        // A new OTP replaces the old one; wrong attempts keep counting for the validation (D20).
        const resent: ValidationRecord = { ...validation, otp: newOtp(), otpSentAtMs: ctx.clock.now() };
        ctx.store.put(KIND.validation, resent.validation_id, resent, { owner: resent.owner });
        return { status: 200, body: validationView(resent, voucher) };
      });
    },

    createClaim: ({ body, state }) => {
      const merchant = principalOf(state).owner;
      const validation = openValidation(body.validation_id, merchant);
      const voucher = claimableVoucher(validation);
      if (ctx.clock.now() >= validation.otpSentAtMs + OTP_TTL_MS) {
        throw new ProviderError(422, 'OTP_EXPIRED', 'The OTP is older than 5 minutes: resend it (POST /merchant/v1/validations/{validationId}/otp) and collect the new one.');
      }
      if (!sameOtp(body.otp, validation.otp)) {
        // The attempt is recorded before the refusal, in its own transaction (it must survive the 422).
        const wrong = validation.wrongAttempts + 1;
        ctx.store.transaction(() => ctx.store.put(KIND.validation, validation.validation_id, { ...validation, wrongAttempts: wrong, locked: wrong >= MAX_WRONG_OTPS }, { owner: merchant }));
        const left = MAX_WRONG_OTPS - wrong;
        throw new ProviderError(422, 'OTP_INVALID', left > 0 ? `The OTP does not match; ${left} attempt${left === 1 ? '' : 's'} left for this validation.` : 'The OTP does not match; this validation is now locked: validate the voucher again.');
      }
      const amount = body.amount ?? voucher.balance;
      if (amount > voucher.balance) throw new ProviderError(422, 'AMOUNT_EXCEEDS_BALANCE', `The amount ${amount} is above the remaining balance ${voucher.balance} ${voucher.currency}.`);
      return ctx.store.transaction(() => {
        const claimedAt = ctx.clock.iso();
        const balance = voucher.balance - amount;
        const updated: VoucherRecord = { ...voucher, balance, status: balance === 0 ? 'claimed' : 'active' };
        const claim: ClaimRecord = {
          claim_id: newId(ctx, 'clm'),
          voucher_id: voucher.voucher_id,
          validation_id: validation.validation_id,
          status: 'completed',
          amount,
          currency: voucher.currency,
          remaining_balance: balance,
          reference: body.reference ?? null,
          claimed_at: claimedAt,
          owner: merchant,
        };
        ctx.store.put(KIND.voucher, updated.voucher_id, updated, { owner: updated.owner });
        ctx.store.put(KIND.claim, claim.claim_id, claim, { owner: merchant });
        ctx.store.put(KIND.validation, validation.validation_id, { ...validation, claimId: claim.claim_id }, { owner: merchant });
        emitCallback(ctx, updated, 'voucher.claimed', claimedAt, { claim_id: claim.claim_id, amount, claimed_at: claimedAt });
        return { status: 201, body: claimView(claim) };
      });
    },

    getClaim: ({ params, state }) => {
      const claim = ctx.store.get<ClaimRecord>(KIND.claim, params.claimId);
      if (!claim || claim.owner !== principalOf(state).owner) throw new ProviderError(404, 'CLAIM_NOT_FOUND', `No claim ${params.claimId} belongs to this merchant.`);
      return { status: 200, body: claimView(claim) };
    },
  };
}
