import type { DiffReport } from '../types.ts';

export const headLabel = (r: DiffReport) => (r.head.commit ? `${r.head.ref} (${r.head.commit.slice(0, 7)})` : r.head.ref);
export const baseLabel = (r: DiffReport) => `${r.base.ref} (${r.base.commit.slice(0, 7)})`;

export function summaryLine(r: DiffReport): string {
  const s = r.summary;
  return `${s.breaking} breaking, ${s.risky} risky, ${s['non-breaking']} non-breaking`;
}

/** `POST /orders, GET /orders/{id} +3` (or `all` for API-wide changes). */
export function operationsCell(ops: readonly string[], max = 2): string {
  if (!ops.length) return '(API-wide)';
  return ops.length <= max ? ops.join(', ') : `${ops.slice(0, max).join(', ')} +${ops.length - max}`;
}

/** The closing verdict. */
export function verdict(r: DiffReport): string {
  if (r.summary.breaking) return `BREAKING: ${r.summary.breaking} change${r.summary.breaking === 1 ? '' : 's'} break clients built against ${r.base.ref}`;
  if (r.summary.risky) return `no breaking change; ${r.summary.risky} risky for strict clients`;
  return r.changes.length ? 'no breaking change' : 'no change';
}
