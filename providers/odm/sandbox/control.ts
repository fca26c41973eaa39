/**
 * ODM's test-only control routes under /_accord (never part of ODM's API):
 * - GET  /_accord/otp?validation_id=val_…: the OTP "texted" to the voucher owner, so a test can
 *   play the owner handing it over at checkout;
 * - POST /_accord/portal/access {access_id, status?, allowed_origins?}: what a partner changes in
 *   the partner portal (API access status, allowed origins). The callback URL is registered with
 *   the core's POST /_accord/webhook-endpoints.
 */
import { isIP } from 'node:net';
import type { Context, Hono } from 'hono';
import { CONTROL_PREFIX } from '../../../sandbox/control.ts';
import type { SandboxContext } from '../../../sandbox/provider.ts';
import { KIND, maskPhone, OTP_RESEND_INTERVAL_MS, OTP_TTL_MS, type AccessRecord, type ValidationRecord, type VoucherRecord } from './records.ts';

const TEST_ONLY = 'accord sandbox control API, test-only: not part of the ODM API';
const FQDN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;

const reply = (c: Context, body: object, status: 200 | 400 | 404 = 200) => {
  c.header('X-Accord-Control', '1');
  return c.json({ note: TEST_ONLY, ...body }, status);
};

export function odmControl(app: Hono, ctx: SandboxContext): void {
  app.get(`${CONTROL_PREFIX}/otp`, (c) => {
    const id = c.req.query('validation_id') ?? '';
    const validation = ctx.store.get<ValidationRecord>(KIND.validation, id);
    if (!validation) return reply(c, { error: 'not_found', message: `no validation "${id}"` }, 404);
    const voucher = ctx.store.get<VoucherRecord>(KIND.voucher, validation.voucher_id)!;
    return reply(c, {
      validation_id: validation.validation_id,
      otp: validation.otp,
      channel: 'sms',
      sent_to: maskPhone(voucher.phone),
      sent_at: ctx.clock.iso(validation.otpSentAtMs),
      expires_at: ctx.clock.iso(validation.otpSentAtMs + OTP_TTL_MS),
      resend_available_at: ctx.clock.iso(validation.otpSentAtMs + OTP_RESEND_INTERVAL_MS),
      wrong_attempts: validation.wrongAttempts,
      locked: validation.locked,
    });
  });

  app.post(`${CONTROL_PREFIX}/portal/access`, async (c) => {
    let body: Record<string, unknown>;
    try {
      body = (await c.req.json()) as Record<string, unknown>;
    } catch {
      return reply(c, { error: 'bad_request', message: 'send a JSON object' }, 400);
    }
    const access = typeof body?.access_id === 'string' ? ctx.store.get<AccessRecord>(KIND.access, body.access_id) : undefined;
    if (!access) return reply(c, { error: 'not_found', message: 'access_id must name an API access record (extra.accessId of a partner credential)' }, 404);
    const { status, allowed_origins: origins } = body;
    if (status !== undefined && status !== 'enabled' && status !== 'disabled') return reply(c, { error: 'bad_request', message: 'status must be "enabled" or "disabled"' }, 400);
    const validOrigins = Array.isArray(origins) && origins.length >= 1 && origins.length <= 20 && origins.every((o) => typeof o === 'string' && (isIP(o) !== 0 || FQDN.test(o)));
    if (origins !== undefined && !validOrigins) return reply(c, { error: 'bad_request', message: 'allowed_origins must be 1 to 20 IP addresses or FQDNs' }, 400);
    const updated: AccessRecord = { ...access, ...(status ? { status } : {}), ...(origins ? { allowed_origins: origins as string[] } : {}) };
    ctx.store.put(KIND.access, updated.access_id, updated, { owner: updated.owner });
    return reply(c, { access: updated });
  });
}
