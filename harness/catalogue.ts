/**
 * The catalogue of named checks, in the order they run. Each check lives in harness/checks/ and
 * states what it sends and what it expects; `accord check --list` prints this table.
 */
import { AUTH } from './checks/auth.ts';
import { CONFORMANCE } from './checks/conformance.ts';
import { IDEMPOTENCY } from './checks/idempotency.ts';
import { RATE_LIMIT } from './checks/rate-limit.ts';
import { FUZZ } from './checks/fuzz.ts';
import { NEGATIVE } from './checks/negative-data.ts';
import { FLOWS_CHECKS } from './checks/flows.ts';
import { WEBHOOK_CHECKS } from './checks/webhooks.ts';
import { BEHAVIOUR_CHECKS } from './checks/behaviour.ts';
import type { Check } from './types.ts';

export const CHECKS: readonly Check[] = [...CONFORMANCE, ...AUTH, ...IDEMPOTENCY, ...RATE_LIMIT, ...NEGATIVE, ...FUZZ, ...FLOWS_CHECKS, ...WEBHOOK_CHECKS, ...BEHAVIOUR_CHECKS];

export const CHECK_IDS = CHECKS.map((c) => c.id);

/** Checks named on the command line (none: every check that is not opt-in). */
export function selectChecks(names: readonly string[] | undefined): Check[] {
  if (!names || names.length === 0) return CHECKS.filter((c) => !c.optIn);
  const unknown = names.filter((n) => !CHECK_IDS.includes(n));
  if (unknown.length) throw new Error(`unknown check${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}: expected any of ${CHECK_IDS.join(', ')}`);
  return CHECKS.filter((c) => names.includes(c.id));
}
