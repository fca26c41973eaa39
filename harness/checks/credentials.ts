/**
 * credential_lifecycle: the credentials file's lifecycle roles (revoked, expired, rotated,
 * suspended, pending…) get what the provider documents for them. Each role's request is the same
 * read the default credential is first shown to be accepted on, so a refusal is about the role.
 */
import { operationById } from '../../runtime/contract.ts';
import type { CallResult } from '../http.ts';
import { errorCodeOf, exampleInput } from '../probe.ts';
import { behaviourOf } from '../registry.ts';
import type { Check, CheckContext } from '../types.ts';
import { mergeInput } from './recipe.ts';
import { describeAnswer, recordedInconclusive } from './verdict.ts';

const ok = (r: CallResult) => r.status >= 200 && r.status < 300;

export const credentialLifecycle: Check = {
  id: 'credential_lifecycle',
  group: 'auth',
  summary: 'revoked, expired, rotated and suspended credentials get what the provider documents',
  sends: 'one read with the default role, then the same read with each lifecycle role of the credentials file (harness/providers/<provider>.ts names the roles)',
  expects: 'revoked/expired keys and non-active partners: the documented 401 and code (SIR Giving: PARTNER_SUSPENDED, PARTNER_NOT_ACTIVE); a rotated previous key: accepted where it keeps working until revoked, else the documented 401',
  async run(ctx) {
    const decl = behaviourOf(ctx.provider.id).credentials;
    if (!decl) return ctx.record({ subject: '(provider)', outcome: 'skip', reason: 'no lifecycle roles declared for this provider' });
    const op = operationById(ctx.contract, decl.probe.operationId);
    if (!op) return ctx.record({ subject: '(provider)', outcome: 'skip', reason: `the contract has no operation ${decl.probe.operationId}` });
    const input = mergeInput(exampleInput(ctx, op), decl.probe.input);
    const baseline = await ctx.http.call(op, input, { role: decl.probe.role ?? 'default' });
    if (recordedInconclusive(ctx, `${op.operationId} (default)`, baseline)) return;
    if (!ok(baseline)) return ctx.record({ subject: `${op.operationId} (default)`, outcome: 'skip', reason: `the default credential's read answered ${describeAnswer(baseline)}, so a refusal would not be about the role`, exchange: baseline });
    for (const { role, expect, source } of decl.roles) {
      const subject = `${role} → ${op.operationId}`;
      if (!ctx.credentials[role]) {
        ctx.record({ subject, outcome: 'skip', reason: `the credentials file has no "${role}" role` });
        continue;
      }
      const r = await ctx.http.call(op, input, { role });
      if (expect === 'accepted') {
        if (recordedInconclusive(ctx, subject, r, false)) continue;
        if (ok(r)) ctx.record({ subject, outcome: 'pass', reason: `${r.status}, like the default credential (${source})`, exchange: r });
        else ctx.record({ subject, outcome: 'fail', reason: `the ${role} credential should keep working (${source}), got ${describeAnswer(r)}`, exchange: r });
        continue;
      }
      if (recordedInconclusive(ctx, subject, r, false)) continue;
      const code = errorCodeOf(r.json);
      const want = `${expect.status}${expect.code ? ` ${expect.code}` : ''}`;
      if (r.status === expect.status && (!expect.code || code === expect.code)) ctx.record({ subject, outcome: 'pass', reason: `${want} (${source})`, exchange: r });
      else ctx.record({ subject, outcome: 'fail', reason: `the ${role} credential ${ok(r) ? 'was accepted' : 'got the wrong refusal'}: expected ${want} (${source}), got ${describeAnswer(r)}`, exchange: r });
    }
  },
};

export const CREDENTIAL_CHECKS = [credentialLifecycle];
