// generated/ is committed: it must be exactly what the generators make from specs/ today, and
// making it twice must give the same bytes.
import { describe, expect, it } from 'vitest';
import { PROVIDERS } from '../../contracts/providers.ts';
import { checkProvider, renderProvider } from '../../generators/pipeline.ts';
import { GENERATED_MARK, JSON_MARK_KEY } from '../../generators/header.ts';

describe.each(PROVIDERS)('generated/$id', (provider) => {
  it('is up to date with its spec (else: run `make generate` and commit)', async () => {
    const drift = await checkProvider(provider);
    expect(drift.stale, `stale: ${drift.stale.join(', ')}`).toEqual([]);
  });

  it('is byte-identical across two runs, and every file is marked generated', async () => {
    const first = await renderProvider(provider);
    const second = await renderProvider(provider);
    expect([...second.files.keys()]).toEqual([...first.files.keys()]);
    for (const [rel, content] of first.files) {
      expect(second.files.get(rel), rel).toBe(content);
      const head = content.slice(0, 400);
      if (rel.endsWith('.json')) expect(JSON.parse(content)[JSON_MARK_KEY], rel).toContain('do not edit');
      else expect(head.split('\n')[0], rel).toContain(GENERATED_MARK);
      expect(head, rel).toContain(`specs/${provider.id}/openapi.yaml`);
    }
  });
});
