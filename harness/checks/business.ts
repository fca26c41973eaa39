/**
 * business_negative: the refusals and compensations the providers document, walked as declared
 * flows (a wrong OTP, one validation claimed twice, a pending order cancelled and refunded).
 * document_consistency: computed documents whose figures must add up (the reconciliation summary).
 */
import { declaredFlowsCheck } from './declared-flows.ts';

export const businessNegative = declaredFlowsCheck('business_negative', 'flows', 'negativeFlows', {
  summary: 'documented refusals leave state untouched and documented compensations restore it',
  sends: 'the provider’s negative flows (harness/providers/<provider>.ts): ODM a claim with a wrong OTP, one validation claimed twice; Starship a pending order cancelled',
  expects: 'ODM 422 OTP_INVALID and 422 VALIDATION_ALREADY_USED with the voucher’s balance as before; Starship CANCELLED, then REFUNDED with a refund transaction and the wallet back to its balance',
  none: 'no negative flows declared for this provider',
});

export const documentConsistency = declaredFlowsCheck('document_consistency', 'flows', 'consistencyFlows', {
  summary: 'computed documents add up: the reconciliation summary agrees with itself and its drifts',
  sends: 'Starship: an order, one drift and one unmatched voucher recorded for it (control API), the business clock moved to the next day’s summary, GET /reconciliation/{date}',
  expects: 'matched + drifted + unmatched = vouchers_allocated; drifted = the number of drifts listed',
  none: 'no computed documents declared for this provider',
});

export const BUSINESS_CHECKS = [businessNegative, documentConsistency];
