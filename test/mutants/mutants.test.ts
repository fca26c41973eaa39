// Proof the harness has teeth: each mutant (test/mutants/mutants.ts) is one deliberately broken
// implementation; the check it names must pass against the unmutated sandbox and fail against
// the mutant. A check not yet in harness/catalogue.ts is skipped until it lands.
import { describe, expect, it } from 'vitest';
import { MUTANTS } from './mutants.ts';
import { checkById, checkMutant, failuresOf } from './run.ts';

/** The check ids issue 6 fixes. */
const ISSUE_CHECK_IDS = [
  'response_schema', 'status_code_documented', 'content_type', 'response_headers', 'error_envelope',
  'auth_required', 'auth_invalid', 'signature_required', 'signature_tampered', 'signature_stale', 'signature_future', 'publishable_key_scope',
  'idempotency_replay', 'idempotency_conflict', 'idempotency_missing', 'idempotency_concurrent',
  'rate_limit', 'negative_data', 'fuzz', 'flows', 'webhooks',
];

/** The check ids issue 11 adds (documented behaviour beyond shapes and statuses). */
const BEHAVIOUR_CHECK_IDS = ['request_id_echo', 'error_request_id', 'pagination_headers', 'rate_limit_headers', 'credential_lifecycle', 'idempotency_key_bounds', 'idempotency_scope', 'business_negative', 'document_consistency', 'rate_limit_per_credential'];

/** The defects issue 6 asks for, by mutant id. */
const REQUIRED = [
  'wrong-error-envelope', 'missing-request-id', 'stale-signature-accepted', 'tampered-body-accepted', 'replay-executes-twice', 'key-reuse-200',
  '429-without-retry-after', 'wrong-enum-value', 'missing-required-field', 'malformed-json-500', 'publishable-key-on-secret-endpoint', 'unsigned-webhook',
];

describe('the mutants', () => {
  it('cover the issue’s twelve defects, each naming one of the issue’s checks', () => {
    expect(MUTANTS.length).toBeGreaterThanOrEqual(12);
    expect(new Set(MUTANTS.map((m) => m.id)).size).toBe(MUTANTS.length);
    for (const id of REQUIRED) expect(MUTANTS.map((m) => m.id)).toContain(id);
    for (const m of MUTANTS) {
      expect([...ISSUE_CHECK_IDS, ...BEHAVIOUR_CHECK_IDS]).toContain(m.check);
      expect(Boolean(m.wrap) !== Boolean(m.declaration), `${m.id}: one transform, a fetch wrap or a declaration change`).toBe(true);
    }
  });
});

describe('the behaviour mutants (issue 11)', () => {
  it('number at least 40 in all, and every behaviour check has at least one', () => {
    expect(MUTANTS.length).toBeGreaterThanOrEqual(40);
    for (const id of BEHAVIOUR_CHECK_IDS) {
      expect(checkById(id), `${id} is in harness/catalogue.ts`).toBeDefined();
      expect(MUTANTS.some((m) => m.check === id), `a mutant for ${id}`).toBe(true);
    }
  });
});

describe.each(MUTANTS.map((m) => [m.id, m] as const))('%s', (_id, mutant) => {
  it.skipIf(!checkById(mutant.check))(`${mutant.check} passes against the ${mutant.provider} sandbox and fails against the mutant`, async () => {
    const clean = await checkMutant(mutant, false);
    expect(failuresOf(clean)).toEqual([]);
    expect(clean.passed).toBeGreaterThan(0);
    const broken = await checkMutant(mutant, true);
    expect(broken.failed, `${mutant.check} did not catch: ${mutant.defect}`).toBeGreaterThan(0);
  }, 60_000);
});
