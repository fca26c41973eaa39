// `make`'s output read by someone new: every line says what it is about, and the harness step
// reports its skipped findings next to passed and failed.
import { expect, it } from 'vitest';
import { harnessLine, harnessStep } from '../../cli/commands/all.ts';
import { checkGenerated } from '../../cli/commands/generate.ts';
import { getProvider } from '../../contracts/providers.ts';

it.each([
  { given: { passed: 379, failed: 0, skipped: 3 }, want: 'ok   check starship: 379 passed, 0 failed, 3 skipped (findings of accord check against the embedded starship sandbox)' },
  { given: { passed: 10, failed: 2, skipped: 0 }, want: 'FAIL check starship: 10 passed, 2 failed, 0 skipped (findings of accord check against the embedded starship sandbox)' },
])('harness line: $want', ({ given, want }) => {
  expect(harnessLine('starship', given)).toBe(want);
});

it('the harness summary row counts skipped findings', () => {
  const step = harnessStep([
    { provider: 'starship', report: { passed: 379, failed: 0, skipped: 3 } },
    { provider: 'istar', report: { passed: 135, failed: 1, skipped: 11 } },
  ]);
  expect(step).toEqual({
    name: 'check',
    ok: false,
    detail: 'contract harness against the 2 sandboxes: 514 passed, 1 failed, 14 skipped (a skip is a check that does not apply to an operation; accord check --verbose lists them)',
  });
});

it("the generated/ drift line says what was compared, not just 'fresh istar 0.50 s'", async () => {
  const lines: string[] = [];
  const step = await checkGenerated([getProvider('istar')], (l) => lines.push(l));
  expect(step.ok).toBe(true);
  expect(lines).toEqual([expect.stringMatching(/^ok {3}generated istar: up to date with specs\/istar\/ \(regenerated in memory and compared, \d+\.\d\d s\)$/)]);
}, 60_000);
