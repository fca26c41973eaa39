// The ODM sandbox, merchant side and callbacks, through the generated client: validate → OTP
// (read through the test-only control route) → claim, partial claims, OTP expiry, resend interval
// and lockout, voucher expiry as a job, and voucher.* callbacks signed by ODM's platform key,
// verified with the generated verifier, retried until a failing receiver recovers.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { verifyOdmWebhook } from '../../../generated/odm/index.ts';
import { startTestSandbox, startWebhookReceiver, type TestSandbox, type WebhookReceiver } from '../../support/sandbox.ts';
import { advance, businessIn, credentialOf, odmClient, otpOf, rawRequest, voucherBody, type Role } from './harness.ts';

let sb: TestSandbox;
let receiver: WebhookReceiver;

beforeAll(async () => {
  sb = await startTestSandbox('odm', { rateLimitsDisabled: true });
  receiver = await startWebhookReceiver();
  // ODM sets the callback URL in the partner portal; the sandbox takes it through the control API.
  await sb.control('POST', '/webhook-endpoints', { url: receiver.url });
});
afterAll(async () => {
  await receiver.close();
  await sb.close();
});
afterEach(() => expect(sb.violations).toEqual([]));

const partner = () => odmClient(sb);
const merchant = (role: Role = 'merchant') => odmClient(sb, role);

async function issue(reference: string, amount = 50000, extra: { expires_at?: string } = {}) {
  const res = await partner().POST('/partner/v1/vouchers', { body: { ...voucherBody(reference, amount), ...extra } });
  expect(res.response.status).toBe(201);
  return res.data!;
}
async function validate(code: string, role: Role = 'merchant') {
  const res = await merchant(role).POST('/merchant/v1/vouchers/validate', { body: { code } });
  expect(res.response.status).toBe(200);
  return res.data!;
}
const claim = (body: { validation_id: string; otp: string; amount?: number; reference?: string }, role: Role = 'merchant') => merchant(role).POST('/merchant/v1/claims', { body });
const resend = (validationId: string, role: Role = 'merchant') => merchant(role).POST('/merchant/v1/validations/{validationId}/otp', { params: { path: { validationId } } });
const voucher = async (voucherId: string) => (await partner().GET('/partner/v1/vouchers/{voucherId}', { params: { path: { voucherId } } })).data!;
const wrongOtp = (otp: string) => String((Number(otp) + 1) % 1_000_000).padStart(6, '0');

describe('redemption: validate → OTP → claim (D19, D20)', () => {
  it('validates a loosely typed code, texts an OTP, and claims in parts until the voucher is claimed', async () => {
    const v = await issue('redeem-parts');
    const typed = v.code.toLowerCase().replace(/-/g, '');
    const validation = await validate(typed);
    expect(validation.voucher).toEqual({ voucher_id: v.voucher_id, status: 'active', amount: 50000, currency: 'USD', balance: 50000, expires_at: null, owner_hint: '+120******43' });
    expect(validation.otp.channel).toBe('sms');
    expect(validation.otp.sent_to).toBe('+120******43');
    const sentAt = Date.parse(validation.otp.resend_available_at) - 60_000;
    expect(Date.parse(validation.otp.expires_at) - sentAt).toBe(300_000);
    expect(JSON.stringify(validation)).not.toContain('Dana Lee');

    const otp = await otpOf(sb, validation.validation_id);
    expect(otp).toMatch(/^\d{6}$/);
    const first = await claim({ validation_id: validation.validation_id, otp, amount: 20000, reference: 'receipt-000187' });
    expect(first.response.status).toBe(201);
    expect(first.data).toMatchObject({ voucher_id: v.voucher_id, validation_id: validation.validation_id, status: 'completed', amount: 20000, currency: 'USD', remaining_balance: 30000, reference: 'receipt-000187' });
    expect(await voucher(v.voucher_id)).toMatchObject({ status: 'active', balance: 30000 });

    const reused = await claim({ validation_id: validation.validation_id, otp, amount: 1 });
    expect([reused.response.status, reused.error?.error.code]).toEqual([422, 'VALIDATION_ALREADY_USED']);
    expect([(await resend(validation.validation_id)).error?.error.code]).toEqual(['VALIDATION_ALREADY_USED']);

    const second = await validate(v.code);
    expect(second.voucher.balance).toBe(30000);
    const otp2 = await otpOf(sb, second.validation_id);
    const tooMuch = await claim({ validation_id: second.validation_id, otp: otp2, amount: 30001 });
    expect([tooMuch.response.status, tooMuch.error?.error.code]).toEqual([422, 'AMOUNT_EXCEEDS_BALANCE']);
    const rest = await claim({ validation_id: second.validation_id, otp: otp2 });
    expect(rest.data).toMatchObject({ amount: 30000, remaining_balance: 0, reference: null });
    expect(await voucher(v.voucher_id)).toMatchObject({ status: 'claimed', balance: 0 });

    const again = await merchant().POST('/merchant/v1/vouchers/validate', { body: { code: v.code } });
    expect([again.response.status, again.error?.error.code]).toEqual([422, 'VOUCHER_ALREADY_CLAIMED']);
    const cancel = await partner().POST('/partner/v1/vouchers/{voucherId}/cancel', { params: { path: { voucherId: v.voucher_id } } });
    expect([cancel.response.status, cancel.error?.error.code]).toEqual([422, 'VOUCHER_ALREADY_CLAIMED']);

    const read = await merchant().GET('/merchant/v1/claims/{claimId}', { params: { path: { claimId: first.data!.claim_id } } });
    expect(read.data).toEqual(first.data);
    const foreign = await merchant('merchant_other').GET('/merchant/v1/claims/{claimId}', { params: { path: { claimId: first.data!.claim_id } } });
    expect([foreign.response.status, foreign.error?.error.code]).toEqual([404, 'CLAIM_NOT_FOUND']);
  });

  it('redeems the seeded sample voucher', async () => {
    const validation = await validate(credentialOf(sb, 'merchant').extra!.sampleVoucherCode!);
    const res = await claim({ validation_id: validation.validation_id, otp: await otpOf(sb, validation.validation_id), amount: 500 });
    expect(res.data).toMatchObject({ amount: 500, remaining_balance: validation.voucher.balance - 500 });
  });

  it.each([
    ['an unknown code', 'ZZZZ-ZZZZ-ZZZZ-ZZZZ', 404, 'VOUCHER_NOT_FOUND'],
    ['a code of the wrong length', 'ABCD-EFGH-JKMN-PQRS-T', 404, 'VOUCHER_NOT_FOUND'],
    ['a code with forbidden characters', 'ABCD_EFGH_JKMN_PQRS', 400, 'VALIDATION_ERROR'],
    ['a code too short', 'ABCD', 400, 'VALIDATION_ERROR'],
  ])('answers %s with %i %s', async (_what, code, status, errorCode) => {
    const res = await merchant().POST('/merchant/v1/vouchers/validate', { body: { code } });
    expect([res.response.status, res.error?.error.code]).toEqual([status, errorCode]);
  });

  it('refuses a cancelled voucher at validation, and at claim when cancelled after validation', async () => {
    const v = await issue('redeem-cancelled');
    const validation = await validate(v.code);
    await partner().POST('/partner/v1/vouchers/{voucherId}/cancel', { params: { path: { voucherId: v.voucher_id } } });
    const claimed = await claim({ validation_id: validation.validation_id, otp: await otpOf(sb, validation.validation_id) });
    expect([claimed.response.status, claimed.error?.error.code]).toEqual([422, 'VOUCHER_CANCELLED']);
    const validated = await merchant().POST('/merchant/v1/vouchers/validate', { body: { code: v.code } });
    expect([validated.response.status, validated.error?.error.code]).toEqual([422, 'VOUCHER_CANCELLED']);
    expect(await voucher(v.voucher_id)).toMatchObject({ status: 'cancelled', balance: 50000 });
  });

  it('locks a validation after 5 wrong OTPs (423 on claim and resend); a new validation works', async () => {
    const v = await issue('redeem-lock');
    const validation = await validate(v.code);
    const otp = await otpOf(sb, validation.validation_id);
    for (let i = 0; i < 5; i++) {
      const wrong = await claim({ validation_id: validation.validation_id, otp: wrongOtp(otp) });
      expect([wrong.response.status, wrong.error?.error.code]).toEqual([422, 'OTP_INVALID']);
    }
    const locked = await claim({ validation_id: validation.validation_id, otp });
    expect([locked.response.status, locked.error?.error.code]).toEqual([423, 'OTP_ATTEMPTS_EXCEEDED']);
    await advance(sb, 120);
    const lockedResend = await resend(validation.validation_id);
    expect([lockedResend.response.status, lockedResend.error?.error.code]).toEqual([423, 'OTP_ATTEMPTS_EXCEEDED']);
    expect(await voucher(v.voucher_id)).toMatchObject({ status: 'active', balance: 50000 });
    const fresh = await validate(v.code);
    expect((await claim({ validation_id: fresh.validation_id, otp: await otpOf(sb, fresh.validation_id) })).response.status).toBe(201);
  });

  it('expires the OTP after 5 minutes of business time; a resent OTP replaces the old one', async () => {
    const v = await issue('redeem-otp-expiry');
    const validation = await validate(v.code);
    const oldOtp = await otpOf(sb, validation.validation_id);
    await advance(sb, 300);
    const expired = await claim({ validation_id: validation.validation_id, otp: oldOtp });
    expect([expired.response.status, expired.error?.error.code]).toEqual([422, 'OTP_EXPIRED']);
    const resent = await resend(validation.validation_id);
    expect(resent.response.status).toBe(200);
    expect(Date.parse(resent.data!.otp.expires_at)).toBeGreaterThan(Date.parse(validation.otp.expires_at));
    const newOtp = await otpOf(sb, validation.validation_id);
    if (newOtp !== oldOtp) {
      const stale = await claim({ validation_id: validation.validation_id, otp: oldOtp });
      expect([stale.response.status, stale.error?.error.code]).toEqual([422, 'OTP_INVALID']);
    }
    expect((await claim({ validation_id: validation.validation_id, otp: newOtp })).data).toMatchObject({ amount: 50000, remaining_balance: 0 });
  });

  it('allows one resend per 60 s per validation: 429 RATE_LIMITED with Retry-After until then', async () => {
    const v = await issue('redeem-resend');
    const validation = await validate(v.code);
    const early = await resend(validation.validation_id);
    expect([early.response.status, early.error?.error.code]).toEqual([429, 'RATE_LIMITED']);
    const retryAfter = Number(early.response.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    await advance(sb, retryAfter);
    const later = await resend(validation.validation_id);
    expect(later.response.status).toBe(200);
    expect(later.data!.validation_id).toBe(validation.validation_id);
  });

  it("hides a merchant's validations from another merchant (404 VALIDATION_NOT_FOUND)", async () => {
    const v = await issue('redeem-foreign');
    const validation = await validate(v.code);
    const otp = await otpOf(sb, validation.validation_id);
    const claimed = await claim({ validation_id: validation.validation_id, otp }, 'merchant_other');
    expect([claimed.response.status, claimed.error?.error.code]).toEqual([404, 'VALIDATION_NOT_FOUND']);
    await advance(sb, 60);
    const resent = await resend(validation.validation_id, 'merchant_other');
    expect([resent.response.status, resent.error?.error.code]).toEqual([404, 'VALIDATION_NOT_FOUND']);
    expect(await voucher(v.voucher_id)).toMatchObject({ balance: 50000 });
  });

  it('deduplicates a claim sent with an Idempotency-Key (D11): one claim, identical replay, 409 on another body', async () => {
    const v = await issue('redeem-idempotent');
    const validation = await validate(v.code);
    const body = JSON.stringify({ validation_id: validation.validation_id, otp: await otpOf(sb, validation.validation_id), amount: 1500 });
    const request = { role: 'merchant' as const, path: '/merchant/v1/claims', body, headers: { 'Idempotency-Key': 'claim-receipt-000187' } };
    const [a, b] = await Promise.all([rawRequest(sb, request), rawRequest(sb, request)]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.text).toBe(a.text);
    expect(await voucher(v.voucher_id)).toMatchObject({ balance: 48500 });
    const other = await rawRequest(sb, { ...request, body: body.replace('1500', '1600') });
    expect([other.status, other.json.error.code]).toEqual([409, 'IDEMPOTENCY_KEY_REUSED']);
  });
});

describe('voucher expiry (a job in business time)', () => {
  it('expires a voucher at expires_at: voucher.expired is sent and every use is 422 VOUCHER_EXPIRED', async () => {
    const expiresAt = await businessIn(sb, 120);
    const v = await issue('expiry', 50000, { expires_at: expiresAt });
    const validation = await validate(v.code);
    const otp = await otpOf(sb, validation.validation_id);
    await advance(sb, 120);
    expect(await voucher(v.voucher_id)).toMatchObject({ status: 'expired', balance: 50000, expires_at: expiresAt });
    const claimed = await claim({ validation_id: validation.validation_id, otp });
    expect(claimed.error?.error.code).toBe('VOUCHER_EXPIRED');
    const validated = await merchant().POST('/merchant/v1/vouchers/validate', { body: { code: v.code } });
    expect(validated.error?.error.code).toBe('VOUCHER_EXPIRED');
    const cancelled = await partner().POST('/partner/v1/vouchers/{voucherId}/cancel', { params: { path: { voucherId: v.voucher_id } } });
    expect([cancelled.response.status, cancelled.error?.error.code]).toEqual([422, 'VOUCHER_EXPIRED']);
    const listed = await partner().GET('/partner/v1/vouchers', { params: { query: { reference: 'expiry', status: 'expired' } } });
    expect(listed.data!.data.map((x) => x.voucher_id)).toEqual([v.voucher_id]);
    const hooks = receiver.received.filter((d) => d.headers['x-odm-event'] === 'voucher.expired' && d.body.includes(v.voucher_id));
    expect(hooks).toHaveLength(1);
    const hook = verifyOdmWebhook({ headers: hooks[0]!.headers, rawBody: hooks[0]!.body, publicKey: credentialOf(sb, 'default').extra!.callbackPublicKey! });
    expect(hook.payload).toMatchObject({ event: 'voucher.expired', occurred_at: expiresAt, data: { voucher_id: v.voucher_id, status: 'expired', balance: 50000 } });
  });
});

describe('callbacks (D21, D22)', () => {
  const publicKey = () => credentialOf(sb, 'default').extra!.callbackPublicKey!;
  const hooksFor = (voucherId: string) => receiver.received.filter((d) => d.status === 200 && JSON.parse(d.body).data.voucher_id === voucherId);

  it('sends voucher.issued, voucher.claimed and voucher.cancelled, signed by the platform key, without code, phone or name', async () => {
    const key = 'callbacks-issue-0001';
    const issued = await partner().POST('/partner/v1/vouchers', { body: voucherBody('callbacks'), params: { header: { 'Idempotency-Key': key } } });
    const v = issued.data!;
    // An idempotent replay emits nothing.
    await partner().POST('/partner/v1/vouchers', { body: voucherBody('callbacks'), params: { header: { 'Idempotency-Key': key } } });
    const validation = await validate(v.code);
    const c = await claim({ validation_id: validation.validation_id, otp: await otpOf(sb, validation.validation_id), amount: 10000 });
    await partner().POST('/partner/v1/vouchers/{voucherId}/cancel', { params: { path: { voucherId: v.voucher_id } } });
    await sb.control('POST', '/jobs/run');

    const hooks = hooksFor(v.voucher_id).map((d) => ({ delivery: d, hook: verifyOdmWebhook({ headers: d.headers, rawBody: d.body, publicKey: publicKey() }) }));
    expect(hooks.map((h) => h.hook.event).sort()).toEqual(['voucher.cancelled', 'voucher.claimed', 'voucher.issued']);
    const byEvent = Object.fromEntries(hooks.map((h) => [h.hook.event, h]));
    expect(byEvent['voucher.issued']!.hook.payload).toMatchObject({ data: { voucher_id: v.voucher_id, reference: 'callbacks', status: 'active', balance: 50000 } });
    expect(byEvent['voucher.claimed']!.hook.payload).toMatchObject({ data: { status: 'active', balance: 40000, claim: { claim_id: c.data!.claim_id, amount: 10000, claimed_at: c.data!.claimed_at } } });
    expect(byEvent['voucher.cancelled']!.hook.payload).toMatchObject({ data: { status: 'cancelled', balance: 40000 } });
    for (const { delivery, hook } of hooks) {
      expect(delivery.headers['x-odm-event']).toBe(hook.event);
      expect((hook.payload as { event_id: string }).event_id).toMatch(/^evt_[0-9A-HJKMNP-TV-Z]{26}$/);
      expect(delivery.headers['x-odm-delivery']).toMatch(/^dlv_/);
      expect(delivery.body).not.toContain(v.code);
      expect(delivery.body).not.toContain(v.code.replace(/-/g, ''));
      expect(delivery.body).not.toContain('+12025550143');
      expect(delivery.body).not.toContain('Dana Lee');
    }
  });

  it('rejects a callback verified with the wrong key (the partner must use the platform key)', async () => {
    const v = await issue('callbacks-wrong-key');
    await sb.control('POST', '/jobs/run');
    const delivery = hooksFor(v.voucher_id)[0]!;
    expect(() => verifyOdmWebhook({ headers: delivery.headers, rawBody: delivery.body, publicKey: credentialOf(sb, 'default').signing!.privateKey! })).toThrow(/signature/i);
  });

  it('retries a failing receiver with backoff until every event is delivered, same event id and delivery id each time', async () => {
    await sb.control('POST', '/jobs/run');
    receiver.failNext(3);
    const vouchers = [await issue('callbacks-retry-1'), await issue('callbacks-retry-2')];
    await sb.control('POST', '/jobs/run');
    // Backoff 30 s, 60 s, 120 s…: walk the business clock through the retries.
    for (let i = 0; i < 6; i++) await advance(sb, 300);
    const { deliveries } = await sb.control<{ deliveries: Array<{ body: string; status: string; attempts: unknown[] }> }>('GET', '/deliveries?event=voucher.issued');
    for (const v of vouchers) {
      const d = deliveries.find((x) => x.body.includes(v.voucher_id))!;
      expect(d.status).toBe('delivered');
      const attempts = receiver.received.filter((r) => r.body.includes(v.voucher_id));
      expect(attempts.length).toBe(d.attempts.length);
      expect(attempts.at(-1)!.status).toBe(200);
      expect(new Set(attempts.map((a) => a.body)).size).toBe(1);
      expect(new Set(attempts.map((a) => a.headers['x-odm-delivery'])).size).toBe(1);
      verifyOdmWebhook({ headers: attempts.at(-1)!.headers, rawBody: attempts.at(-1)!.body, publicKey: publicKey() });
    }
    expect(receiver.received.filter((r) => vouchers.some((v) => r.body.includes(v.voucher_id)) && r.status !== 200)).toHaveLength(3);
  });

  it('reports the subscription in the API access record (an http test receiver is no https callback URL)', async () => {
    const { data } = await partner().GET('/partner/v1/access');
    expect(data).toMatchObject({ subscribed_events: ['voucher.issued', 'voucher.claimed', 'voucher.cancelled', 'voucher.expired'], callback_url: null });
    const other = await odmClient(sb, 'partner_other').GET('/partner/v1/access');
    expect(other.data).toMatchObject({ subscribed_events: [], callback_url: null });
  });
});
