/**
 * Idempotency-Key bounds and scope: a key one character shorter or longer than x-idempotency
 * allows is refused with the documented 400 (and executes nothing a later check could see), and
 * a key reused for another resource of the same operation is a conflict, not a replay.
 */
import { randomUUID } from 'node:crypto';
import type { ContractOperation } from '../../runtime/contract.ts';
import { errorCodeOf, exampleInput } from '../probe.ts';
import { behaviourOf } from '../registry.ts';
import { operationsOf, type Check, type CheckContext } from '../types.ts';
import { declaredFlowsCheck } from './declared-flows.ts';
import { mergeInput } from './recipe.ts';
import { describeAnswer, recordedInconclusive } from './verdict.ts';

/** A printable-ASCII key of exactly `length` characters (unique per call). */
export function keyOfLength(length: number): string {
  const seed = `accord-bounds-${randomUUID().replace(/-/g, '')}`;
  return seed.repeat(Math.ceil(length / seed.length)).slice(0, length);
}

const idempotentOps = (ctx: CheckContext): ContractOperation[] => operationsOf(ctx).filter((o) => o.idempotency && o.status !== 'planned');

export const idempotencyKeyBounds: Check = {
  id: 'idempotency_key_bounds',
  group: 'idempotency',
  summary: 'an Idempotency-Key one character outside the documented length bounds is refused',
  sends: 'each x-idempotency operation with valid inputs and a key of min_length − 1 characters (7), then one of max_length + 1 (257)',
  expects: 'the documented 400 and code for a malformed key (Starship IDEMPOTENCY_KEY_INVALID, ODM VALIDATION_ERROR, SIR Giving INVALID_IDEMPOTENCY_KEY)',
  async run(ctx) {
    const policy = ctx.contract.idempotency;
    const decl = behaviourOf(ctx.provider.id).keyBounds;
    if (!policy || (policy.minLength === null && policy.maxLength === null)) return ctx.record({ subject: '(provider)', outcome: 'skip', reason: 'x-idempotency documents no key length bounds' });
    if (!decl) return ctx.record({ subject: '(provider)', outcome: 'skip', reason: `no documented answer to a malformed key declared in harness/providers/${ctx.provider.id}.ts` });
    const want = `${decl.refusal.status}${decl.refusal.code ? ` ${decl.refusal.code}` : ''}`;
    const lengths = [policy.minLength !== null ? policy.minLength - 1 : undefined, policy.maxLength !== null ? policy.maxLength + 1 : undefined].filter((n): n is number => n !== undefined && n > 0);
    for (const op of idempotentOps(ctx)) {
      const input = mergeInput(exampleInput(ctx, op), decl.inputs?.[op.operationId]);
      const role = decl.roles?.[op.operationId] ?? 'default';
      for (const length of lengths) {
        const subject = `${op.operationId} (${length}-character key)`;
        const r = await ctx.http.call(op, input, { role, idempotencyKey: keyOfLength(length) });
        if (recordedInconclusive(ctx, subject, r)) continue;
        if (r.status === decl.refusal.status && (!decl.refusal.code || errorCodeOf(r.json) === decl.refusal.code)) ctx.record({ subject, outcome: 'pass', reason: `${want} (${decl.source})`, exchange: r });
        else ctx.record({ subject, outcome: 'fail', reason: `a ${length}-character key (bounds ${policy.minLength}–${policy.maxLength}) answered ${describeAnswer(r)}; expected ${want} (${decl.source})`, exchange: r });
      }
    }
  },
};

export const idempotencyScope = declaredFlowsCheck('idempotency_scope', 'idempotency', 'scopeFlows', {
  summary: 'an Idempotency-Key reused for another resource of the same operation is a conflict, not a replay of the first',
  sends: 'two resources made, the first changed under a key (ODM: cancel a voucher; SIR Giving: reverse an action), then the same key on the second',
  expects: 'the second answer is x-idempotency.conflict (ODM 409 IDEMPOTENCY_KEY_REUSED, SIR Giving 409 IDEMPOTENCY_CONFLICT) and the second resource is unchanged',
  none: 'no operation of this provider takes an Idempotency-Key for a resource named in its path',
});

export const IDEMPOTENCY_KEY_CHECKS = [idempotencyKeyBounds, idempotencyScope];
