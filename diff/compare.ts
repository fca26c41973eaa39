/**
 * Compares two bundled specs: pairs up operations, parameters, bodies, responses and schema nodes
 * (following `$ref`s on both sides), hands every pair to every rule in diff/rules/, and merges
 * identical findings reached from several operations into one change.
 */
import type { OpenApiDocument } from '../contracts/bundle.ts';
import { deref, pointerOf } from '../contracts/walk.ts';
import { collectOperations, matchVariants, normalizeSchema, requestFlow, responseFlow } from './model.ts';
import { RULES } from './rules/index.ts';
import { LEVELS, type Change, type Finding, type Flow, type Operation, type Rule, type RuleContext, type SchemaSite, type Sided } from './types.ts';

class Changes {
  private readonly rows = new Map<string, Change>();
  add(rule: string, f: Finding, operation: string | undefined): void {
    const where = f.where ?? '';
    const key = `${rule}\0${f.level}\0${where}\0${f.message}`;
    const ops = f.operations ?? (operation ? [operation] : []);
    const row = this.rows.get(key);
    if (row) {
      for (const o of ops) if (!row.operations.includes(o)) row.operations.push(o);
      return;
    }
    this.rows.set(key, { rule, level: f.level, where, message: f.message, operations: [...ops], ...(f.pointer ? { pointer: f.pointer } : {}) });
  }
  list(): Change[] {
    const rank = (c: Change) => LEVELS.indexOf(c.level);
    return [...this.rows.values()].sort((a, b) => rank(a) - rank(b) || (a.operations[0] ?? '').localeCompare(b.operations[0] ?? '') || a.where.localeCompare(b.where) || a.rule.localeCompare(b.rule) || a.message.localeCompare(b.message));
  }
}

/** `items[].sku` from segments `items`, `[]`, `sku`. */
function pathText(segments: readonly string[]): string {
  let out = '';
  for (const s of segments) out += s.startsWith('[') || s.startsWith('{') || s.startsWith('(') ? s : out ? `.${s}` : s;
  return out;
}

interface Anchor {
  text: string;
  segments: string[];
  pointer: string;
}

const whereOf = (a: Anchor) => (a.segments.length ? `${a.text} › ${pathText(a.segments)}` : a.text);

/** Compares base with head and returns every change, most severe first. */
export function compareSpecs(base: OpenApiDocument, head: OpenApiDocument, rules: readonly Rule[] = RULES): Change[] {
  const changes = new Changes();
  // Findings inside a component pair do not depend on the operation that reaches it: each pair is
  // walked once per flow and role, its findings recorded and replayed for the next operation.
  interface Recording {
    key: string;
    findings: Array<{ rule: string; finding: Finding }>;
    complete: boolean;
  }
  const memo = new Map<string, Recording['findings']>();
  const recording: Recording[] = [];
  const emit = (rule: string, f: Finding, operation?: string) => {
    changes.add(rule, f, operation);
    for (const r of recording) r.findings.push({ rule, finding: f });
  };
  const ctx = (rule: Rule, operation?: string): RuleContext => ({ base, head, report: (f) => emit(rule.id, f, operation) });
  const operations: Sided<Map<string, Operation>> = { base: collectOperations(base), head: collectOperations(head) };

  for (const rule of rules) rule.document?.(ctx(rule), operations);

  const walk = (op: Operation, rawBase: unknown, rawHead: unknown, flow: Flow, role: string, anchor: Anchor, stack: string[]) => {
    const b = normalizeSchema(base, rawBase);
    const h = normalizeSchema(head, rawHead);
    if (b.ref && b.ref === h.ref) anchor = { text: `schema ${h.ref}`, segments: [], pointer: pointerOf(['components', 'schemas', h.ref]) };
    // a recursive schema is walked once per path through it
    const pair = `${b.ref ?? ''}|${h.ref ?? ''}|${flow}`;
    if (((b.ref || h.ref) && stack.includes(pair)) || stack.length > 64) {
      // cut short: what is being recorded below this pair's own walk is incomplete
      const at = recording.findIndex((r) => r.key.startsWith(`${pair}|`));
      recording.forEach((r, i) => i > at && (r.complete = false));
      return;
    }
    const next = [...stack, pair];
    let mine: Recording | undefined;
    if (b.ref && b.ref === h.ref) {
      const key = `${pair}|${role}`;
      const seen = memo.get(key);
      if (seen) {
        for (const { rule, finding } of seen) emit(rule, finding, op.label);
        return;
      }
      mine = { key, findings: [], complete: true };
      recording.push(mine);
    }
    const site: SchemaSite = { base: b, head: h, flow, role, where: whereOf(anchor), pointer: anchor.pointer };
    for (const rule of rules) rule.schema?.(ctx(rule, op.label), site);
    const child = (seg: string, ptr: Array<string | number>): Anchor => ({ text: anchor.text, segments: [...anchor.segments, seg], pointer: anchor.pointer + ptr.map((p) => '/' + String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('') });
    const bp = b.node.properties ?? {};
    const hp = h.node.properties ?? {};
    for (const name of Object.keys(hp)) if (name in bp) walk(op, bp[name], hp[name], flow, role, child(name, ['properties', name]), next);
    if (b.node.items && h.node.items && typeof b.node.items === 'object' && typeof h.node.items === 'object') walk(op, b.node.items, h.node.items, flow, role, child('[]', ['items']), next);
    if (typeof b.node.additionalProperties === 'object' && typeof h.node.additionalProperties === 'object') walk(op, b.node.additionalProperties, h.node.additionalProperties, flow, role, child('{*}', ['additionalProperties']), next);
    for (const v of matchVariants({ doc: base, node: b.node }, { doc: head, node: h.node })) {
      for (const m of v.matched) walk(op, m.base, m.head, flow, role, child(`(${v.keyword} ${m.label})`, [v.keyword]), next);
    }
    if (Array.isArray(b.node.allOf) && Array.isArray(h.node.allOf) && b.node.allOf.length === h.node.allOf.length) {
      b.node.allOf.forEach((sub: unknown, i: number) => walk(op, sub, h.node.allOf[i], flow, role, child(`(allOf #${i + 1})`, ['allOf', i]), next));
    }
    if (mine) {
      recording.pop();
      if (mine.complete) memo.set(mine.key, mine.findings);
    }
  };

  for (const [key, headOp] of operations.head) {
    const baseOp = operations.base.get(key);
    if (!baseOp) continue;
    const op = { base: baseOp, head: headOp };
    const label = headOp.label;
    for (const rule of rules) rule.operation?.(ctx(rule, label), op);

    // parameters
    const reqFlow = requestFlow(headOp);
    const paramRole = headOp.kind === 'path' ? 'request' : 'webhook';
    for (const pkey of new Set([...baseOp.parameters.keys(), ...headOp.parameters.keys()])) {
      const bp = baseOp.parameters.get(pkey);
      const hp = headOp.parameters.get(pkey);
      const p = (hp ?? bp)!;
      const where = p.in === 'header' ? `header ${p.name}` : p.in === 'path' ? `path parameter {${p.name}}` : `${p.in} parameter ${p.name}`;
      for (const rule of rules) rule.parameter?.(ctx(rule, label), { op, base: bp, head: hp, flow: reqFlow, where });
      if (bp && hp && bp.node.schema !== undefined && hp.node.schema !== undefined) {
        walk(headOp, bp.node.schema, hp.node.schema, reqFlow, `${paramRole} ${p.in === 'header' ? 'header' : 'parameter'}`, { text: where, segments: [], pointer: `${hp.pointer}/schema` }, []);
      }
    }

    // request body
    const bb = baseOp.node.requestBody ? deref<Record<string, any>>(base, baseOp.node.requestBody) : undefined;
    const hb = headOp.node.requestBody ? deref<Record<string, any>>(head, headOp.node.requestBody) : undefined;
    if (bb || hb) for (const rule of rules) rule.requestBody?.(ctx(rule, label), { op, base: bb, head: hb, flow: reqFlow });
    if (bb?.content && hb?.content) {
      const bodyRole = headOp.kind === 'path' ? 'request' : 'webhook payload';
      for (const [mt, media] of Object.entries<any>(hb.content)) {
        const bm = bb.content[mt];
        if (!bm || bm.schema === undefined || media?.schema === undefined) continue;
        const text = headOp.kind === 'path' ? 'request body' : 'webhook payload';
        walk(headOp, bm.schema, media.schema, reqFlow, bodyRole, { text: mt === 'application/json' ? text : `${text} (${mt})`, segments: [], pointer: `${headOp.pointer}/requestBody/content/${mt.replace(/~/g, '~0').replace(/\//g, '~1')}/schema` }, []);
      }
    }

    // responses
    const resFlow = responseFlow(headOp);
    const resRole = headOp.kind === 'path' ? 'response' : 'webhook acknowledgement';
    const bres = baseOp.node.responses ?? {};
    const hres = headOp.node.responses ?? {};
    for (const status of new Set([...Object.keys(bres), ...Object.keys(hres)])) {
      const br = bres[status] ? deref<Record<string, any>>(base, bres[status]) : undefined;
      const hr = hres[status] ? deref<Record<string, any>>(head, hres[status]) : undefined;
      for (const rule of rules) rule.response?.(ctx(rule, label), { op, status, base: br, head: hr, flow: resFlow });
      if (!br || !hr) continue;
      const respPointer = `${headOp.pointer}/responses/${status}`;
      for (const [mt, media] of Object.entries<any>(hr.content ?? {})) {
        const bm = br.content?.[mt];
        if (!bm || bm.schema === undefined || media?.schema === undefined) continue;
        walk(headOp, bm.schema, media.schema, resFlow, resRole, { text: `response ${status}${mt === 'application/json' ? '' : ` (${mt})`}`, segments: [], pointer: `${respPointer}/content/${mt.replace(/~/g, '~0').replace(/\//g, '~1')}/schema` }, []);
      }
      const bh = Object.fromEntries(Object.entries<any>(br.headers ?? {}).map(([n, v]) => [n.toLowerCase(), deref<Record<string, any>>(base, v)]));
      for (const [name, raw] of Object.entries<any>(hr.headers ?? {})) {
        const hh = deref<Record<string, any>>(head, raw);
        const bhh = bh[name.toLowerCase()];
        if (!bhh || bhh.schema === undefined || hh?.schema === undefined) continue;
        walk(headOp, bhh.schema, hh.schema, resFlow, `${resRole} header`, { text: `response ${status} header ${name}`, segments: [], pointer: `${respPointer}/headers/${name}/schema` }, []);
      }
    }
  }

  return changes.list();
}

/** Counts per level. */
export function summarize(changes: readonly Change[]): Record<(typeof LEVELS)[number], number> {
  const out = { breaking: 0, risky: 0, 'non-breaking': 0 };
  for (const c of changes) out[c.level]++;
  return out;
}
