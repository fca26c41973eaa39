/**
 * The catalogue of named checks, in the order they run. Each check lives in harness/checks/ and
 * states what it sends and what it expects; `accord check --list` prints this table.
 */
import { AUTH } from './checks/auth.ts';
import { CONFORMANCE } from './checks/conformance.ts';
import type { Check } from './types.ts';

export const CHECKS: readonly Check[] = [...CONFORMANCE, ...AUTH];

export const CHECK_IDS = CHECKS.map((c) => c.id);

/** Checks named on the command line (none: every check that is not opt-in). */
export function selectChecks(names: readonly string[] | undefined): Check[] {
  if (!names || names.length === 0) return CHECKS.filter((c) => !c.optIn);
  const unknown = names.filter((n) => !CHECK_IDS.includes(n));
  if (unknown.length) throw new Error(`unknown check${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}: expected any of ${CHECK_IDS.join(', ')}`);
  return CHECKS.filter((c) => names.includes(c.id));
}
