import type { Level, Rule } from '../types.ts';
import { narrowing, widening } from '../wording.ts';

/** Lower bounds narrow when they go up (or appear); upper bounds when they go down (or appear). */
const LOWER = ['minimum', 'exclusiveMinimum', 'minLength', 'minItems', 'minProperties'] as const;
const UPPER = ['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems', 'maxProperties'] as const;

const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
const show = (v: number | undefined) => (v === undefined ? '(none)' : String(v));

/**
 * Numeric, length, item-count and property-count bounds, multipleOf and uniqueItems.
 * Narrowed in what the client sends (min up, max down, a new bound): breaking, values valid today
 * are rejected. Widened in what it receives (max up, min down, a bound dropped): risky, values
 * arrive beyond what clients were told to expect (storage sized to maxLength, range checks).
 */
export const boundChanged: Rule = {
  id: 'bound-changed',
  summary: 'a bound changed: narrowed in a request (min up, max down, maxLength down, …) is breaking; widened in a response is risky',
  schema(ctx, site) {
    const b = site.base.node;
    const h = site.head.node;
    const report = (kind: 'narrowed' | 'widened' | 'changed', keyword: string, before: unknown, after: unknown) => {
      const levels: Level[] = kind === 'narrowed' ? [narrowing(site.flow)] : kind === 'widened' ? [widening(site.flow)] : [narrowing(site.flow), widening(site.flow)];
      const level = levels.includes('breaking') ? 'breaking' : levels.includes('risky') ? 'risky' : 'non-breaking';
      const what = site.flow === 'sends' ? (kind === 'widened' ? 'widened' : kind === 'narrowed' ? 'narrowed: values valid before are rejected' : 'changed: values valid before may be rejected') : kind === 'narrowed' ? 'narrowed' : 'widened: values beyond the old bound may arrive';
      ctx.report({ level, where: site.where, message: `${keyword} ${show(num(before))} → ${show(num(after))} (${what})`, pointer: site.pointer });
    };
    for (const k of LOWER) {
      const bv = num(b[k]);
      const hv = num(h[k]);
      if (bv === hv) continue;
      report(hv !== undefined && (bv === undefined || hv > bv) ? 'narrowed' : 'widened', k, bv, hv);
    }
    for (const k of UPPER) {
      const bv = num(b[k]);
      const hv = num(h[k]);
      if (bv === hv) continue;
      report(hv !== undefined && (bv === undefined || hv < bv) ? 'narrowed' : 'widened', k, bv, hv);
    }
    const bm = num(b.multipleOf);
    const hm = num(h.multipleOf);
    if (bm !== hm) {
      const divides = (x: number, y: number) => Math.abs(x / y - Math.round(x / y)) < 1e-9;
      if (hm !== undefined && (bm === undefined || divides(hm, bm))) report('narrowed', 'multipleOf', bm, hm);
      else if (bm !== undefined && (hm === undefined || divides(bm, hm))) report('widened', 'multipleOf', bm, hm);
      else report('changed', 'multipleOf', bm, hm);
    }
    if ((b.uniqueItems === true) !== (h.uniqueItems === true)) {
      const narrowed = h.uniqueItems === true;
      ctx.report({ level: narrowed ? narrowing(site.flow) : widening(site.flow), where: site.where, message: `uniqueItems ${b.uniqueItems === true} → ${h.uniqueItems === true}`, pointer: site.pointer });
    }
  },
};
