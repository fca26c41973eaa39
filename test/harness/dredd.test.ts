// `make dredd` in `make test`: Dredd 14 with accord's signing hooks passes against the four
// sandboxes (each started in memory on a free port at its documented rate limits).
import { describe, expect, it } from 'vitest';
import { PROVIDER_IDS } from '../../contracts/providers.ts';
import { dreddLine } from '../../harness/dredd/dredd.ts';
import { dreddAgainstSandboxes } from '../../harness/dredd/main.ts';

describe('make dredd', () => {
  it('passes against the four sandboxes, one successful call per operation', async () => {
    const results = await dreddAgainstSandboxes();
    expect(results.map((r) => r.provider)).toEqual([...PROVIDER_IDS]);
    for (const r of results) {
      expect(r.ok, `${dreddLine(r)}\n${r.failures}`).toBe(true);
      expect(r.passing, dreddLine(r)).toBeGreaterThanOrEqual(6);
      expect(r.failing + r.errors).toBe(0);
    }
  }, 300_000);
});
