/**
 * Stateful flows: sequences of operations where later steps use what earlier ones returned
 * (create order → get → list → fetch vouchers, validate → OTP → claim…). The sequences are data,
 * declared per provider in harness/providers/<provider>.ts (`FLOWS`, read through
 * harness/registry.ts); a spec's OpenAPI links add a two-step flow each. Every step's answer must
 * be documented, valid against its schema and meet the step's assertions; values a step marks as
 * codes (voucher codes) must appear nowhere else. The steps run on the one step engine (steps.ts).
 */
import { deref } from '../../contracts/walk.ts';
import type { ContractOperation } from '../../runtime/contract.ts';
import type { FlowDeclaration, FlowStep, Value } from '../declarations.ts';
import { harnessOf } from '../registry.ts';
import type { Check, CheckContext } from '../types.ts';
import { businessNow, newScope, runFlow } from './steps.ts';

// The engine and the declaration shapes lived here before steps.ts and declarations.ts: still importable from here.
export * from './steps.ts';
export type { Assertion, ControlCall, FlowDeclaration, FlowScope, FlowStep, StepExpectation, StepResult, Value } from '../declarations.ts';

// ---------------------------------------------------------------------------------------------
// OpenAPI links

const LINK_EXPR: Array<[RegExp, (m: RegExpMatchArray) => string]> = [
  [/^\$response\.body(#.*)?$/, (m) => `$steps.source.body${m[1] ?? ''}`],
  [/^\$response\.header\.(.+)$/, (m) => `$steps.source.header.${m[1]}`],
  [/^\$request\.path\.(.+)$/, (m) => `$steps.source.request.path.${m[1]}`],
  [/^\$request\.query\.(.+)$/, (m) => `$steps.source.request.query.${m[1]}`],
  [/^\$request\.body(#.*)?$/, (m) => `$steps.source.request.body${m[1] ?? ''}`],
  [/^\$statusCode$/, () => '$steps.source.status'],
];

function linkValue(v: unknown): Value {
  if (typeof v !== 'string') return v;
  for (const [re, to] of LINK_EXPR) {
    const m = v.match(re);
    if (m) return to(m);
  }
  // An embedded expression `{$response.body#/id}` inside a string.
  if (v.includes('{$')) return v.replace(/\{(\$[^}]+)\}/g, (_m, e: string) => `{${String(linkValue(e))}}`);
  return v;
}

function linkTarget(ctx: CheckContext, link: any): ContractOperation | undefined {
  if (typeof link.operationId === 'string') return ctx.contract.operations.find((o) => o.operationId === link.operationId);
  const ref = typeof link.operationRef === 'string' ? link.operationRef : '';
  const m = ref.match(/^#\/paths\/([^/]+)\/([a-z]+)$/);
  if (!m) return undefined;
  const path = m[1]!.replace(/~1/g, '/').replace(/~0/g, '~');
  return ctx.contract.operations.find((o) => o.path === path && o.method === m[2]);
}

/** A two-step flow per OpenAPI link on a 2xx response: the source with its example inputs, then the target with the link's parameters. */
export function linkFlows(ctx: CheckContext): FlowDeclaration[] {
  const out: FlowDeclaration[] = [];
  for (const source of ctx.contract.operations) {
    const responses = ctx.doc.paths?.[source.path]?.[source.method]?.responses ?? {};
    for (const [status, raw] of Object.entries<any>(responses)) {
      if (!/^2/.test(status)) continue;
      const response = deref(ctx.doc, raw);
      for (const [name, rawLink] of Object.entries<any>(response?.links ?? {})) {
        const link = deref(ctx.doc, rawLink);
        const target: ContractOperation | undefined = link ? linkTarget(ctx, link) : undefined;
        if (!target) continue;
        const step: FlowStep = { name: 'target', operation: target.operationId, path: {}, query: {}, headers: {} };
        for (const [param, value] of Object.entries<any>(link.parameters ?? {})) {
          const [where, pname] = param.includes('.') ? (param.split('.', 2) as [string, string]) : [target.parameters.find((p) => p.name === param)?.in ?? 'query', param];
          const v = linkValue(value);
          if (where === 'path') step.path![pname] = v;
          else if (where === 'header') step.headers![pname] = v;
          else step.query![pname] = v;
        }
        if (link.requestBody !== undefined) step.body = linkValue(link.requestBody);
        out.push({
          name: `link ${source.operationId} → ${target.operationId} (${name})`,
          summary: `OpenAPI link ${name} on ${source.operationId} ${status}`,
          steps: [{ name: 'source', operation: source.operationId, ...(/^2\d\d$/.test(status) ? { expect: { status: Number(status) } } : {}) }, step],
        });
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The check

/** Each provider's declared flows (harness/providers/<provider>.ts, through the registry). */
export const flowsOf = (provider: string): readonly FlowDeclaration[] => harnessOf(provider).flows ?? [];

/** Whether a declared flow already walks from `source` to `target` (a link it covers). */
const covers = (flows: readonly FlowDeclaration[], source: string, target: string) =>
  flows.some((f) => {
    const ops = f.steps.map((s) => s.operation);
    const i = ops.indexOf(source);
    return i >= 0 && ops.indexOf(target, i + 1) > i;
  });

export const flows: Check = {
  id: 'flows',
  group: 'flows',
  summary: 'multi-step sequences work end to end: later steps find what earlier ones created, state changes as documented',
  sends:
    'the provider’s declared sequences (harness/providers/<provider>.ts): Starship create order → get → list → fetch vouchers; iStar recipient search → star order; SIR Giving action → reversal; ODM issue → validate → OTP (control API) → claim; and one two-step flow per OpenAPI link',
  expects:
    'each step’s declared status and assertions (ids carried over, the order listed, the token pool restored, the voucher claimed), a documented status with a schema-valid body, voucher codes only in the responses declared to carry them',
  async run(ctx) {
    const declared = flowsOf(ctx.provider.id);
    const linked = linkFlows(ctx).filter((f) => !covers(declared, f.steps[0]!.operation!, f.steps[1]!.operation!));
    if (!declared.length && !linked.length) return ctx.record({ subject: '(provider)', outcome: 'skip', reason: 'no flows declared for this provider and no OpenAPI links in its spec' });
    for (const flow of [...declared, ...linked]) await runFlow(ctx, flow, newScope(ctx, { nowMs: await businessNow(ctx).catch(() => Date.now()) }));
  },
};

export const FLOWS_CHECKS = [flows];
