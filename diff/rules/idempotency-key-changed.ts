import type { Rule } from '../types.ts';

/**
 * The root `x-idempotency`: the header clients send and the keys they generate. A renamed header
 * or a narrower key rule rejects keys clients make today; a shorter window means late retries
 * are no longer deduplicated; another conflict status escapes clients' conflict handling.
 */
export const idempotencyKeyChanged: Rule = {
  id: 'idempotency-key-changed',
  summary: 'x-idempotency changed: header renamed or key rule narrowed (breaking); window shortened or conflict answer changed (risky)',
  document(ctx, ops) {
    const b = ctx.base['x-idempotency'];
    const h = ctx.head['x-idempotency'];
    if (!b || !h || typeof b !== 'object' || typeof h !== 'object') return;
    const users = [...ops.head.values()].filter((op) => op.kind === 'path' && op.node['x-idempotency'] && ops.base.has(op.key)).map((op) => op.label);
    if (!users.length) return;
    const report = (level: 'breaking' | 'risky' | 'non-breaking', field: string, message: string) => ctx.report({ level, where: `x-idempotency.${field}`, message, operations: users, pointer: '#/x-idempotency' });
    if (String(b.header).toLowerCase() !== String(h.header).toLowerCase()) report('breaking', 'header', `idempotency header ${b.header} → ${h.header}`);
    if (typeof b.min_length === 'number' && typeof h.min_length === 'number' && h.min_length !== b.min_length) report(h.min_length > b.min_length ? 'breaking' : 'non-breaking', 'min_length', `key min_length ${b.min_length} → ${h.min_length}`);
    if (typeof b.max_length === 'number' && typeof h.max_length === 'number' && h.max_length !== b.max_length) report(h.max_length < b.max_length ? 'breaking' : 'non-breaking', 'max_length', `key max_length ${b.max_length} → ${h.max_length}`);
    if ((b.pattern ?? null) !== (h.pattern ?? null)) report(h.pattern ? 'breaking' : 'non-breaking', 'pattern', `key pattern ${b.pattern ?? '(none)'} → ${h.pattern ?? '(none)'}`);
    if (typeof b.window_seconds === 'number' && typeof h.window_seconds === 'number' && h.window_seconds !== b.window_seconds) {
      const shorter = h.window_seconds < b.window_seconds;
      report(shorter ? 'risky' : 'non-breaking', 'window_seconds', `replay window ${b.window_seconds} s → ${h.window_seconds} s${shorter ? ': a retry after the new window creates a second resource' : ''}`);
    }
    for (const field of ['conflict', 'missing'] as const) {
      const bs = b[field] ? `${b[field].status} ${b[field].code}` : 'none';
      const hs = h[field] ? `${h[field].status} ${h[field].code}` : 'none';
      if (bs !== hs) report('risky', field, `${field === 'conflict' ? 'key reused with another body' : 'key missing'} answers ${bs} → ${hs}`);
    }
  },
};
