/**
 * A check made of flows a provider declares under one key of its behaviour declaration (the
 * flows engine of harness/checks/flows.ts runs them: one finding per step, the first failure stops
 * the flow, cleanup afterwards).
 */
import type { BehaviourDeclaration } from '../declarations.ts';
import { behaviourOf } from '../registry.ts';
import type { Check, CheckGroup } from '../types.ts';
import { businessNow, newScope, runFlow } from './flows.ts';

type FlowKey = { [K in keyof BehaviourDeclaration]-?: NonNullable<BehaviourDeclaration[K]> extends readonly unknown[] ? K : never }[keyof BehaviourDeclaration];

export function declaredFlowsCheck(id: string, group: CheckGroup, key: 'negativeFlows' | 'consistencyFlows' | 'scopeFlows', text: Pick<Check, 'summary' | 'sends' | 'expects'> & { none: string }): Check {
  return {
    id,
    group,
    summary: text.summary,
    sends: text.sends,
    expects: text.expects,
    async run(ctx) {
      const flows = behaviourOf(ctx.provider.id)[key satisfies FlowKey] ?? [];
      if (!flows.length) return ctx.record({ subject: '(provider)', outcome: 'skip', reason: text.none });
      for (const flow of flows) await runFlow(ctx, flow, newScope(ctx, { nowMs: await businessNow(ctx).catch(() => Date.now()) }));
    },
  };
}
