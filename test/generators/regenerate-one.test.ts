// Changing one spec regenerates that provider only, and the drift check names its stale files.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PROVIDERS, REPO_ROOT, getProvider } from '../../contracts/providers.ts';
import { checkProvider, generateProvider } from '../../generators/pipeline.ts';
import { tempDir } from '../support/fixtures.ts';

let root: string;

beforeAll(() => {
  root = tempDir('regen');
  for (const dir of ['specs', 'generated']) fs.cpSync(path.join(REPO_ROOT, dir), path.join(root, dir), { recursive: true });
  const spec = path.join(root, 'specs', 'istar', 'openapi.yaml');
  const text = fs.readFileSync(spec, 'utf8');
  const changed = text.replace('  /wallet/balance:', '  /wallet/history:\n    $ref: "#/paths/~1wallet~1balance"\n  /wallet/balance:');
  expect(changed).not.toBe(text);
  fs.writeFileSync(spec, changed);
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

it('names the stale files of the changed provider only', async () => {
  const drift = await Promise.all(PROVIDERS.map((p) => checkProvider(p, { root })));
  const byProvider = Object.fromEntries(drift.map((d) => [d.provider, d.stale]));
  expect(byProvider.starship).toEqual([]);
  expect(byProvider.sirgiving).toEqual([]);
  expect(byProvider.odm).toEqual([]);
  expect(byProvider.istar).toEqual(expect.arrayContaining(['generated/istar/MANIFEST.json', 'generated/istar/openapi.json', 'generated/istar/types.ts']));
});

it('regenerates the changed provider and skips the unchanged ones by content hash', async () => {
  const results = [];
  for (const p of PROVIDERS) results.push(await generateProvider(p, { root }));
  expect(Object.fromEntries(results.map((r) => [r.provider, r.status]))).toEqual({ starship: 'unchanged', istar: 'generated', sirgiving: 'unchanged', odm: 'unchanged' });
  expect(fs.readFileSync(path.join(root, 'generated', 'istar', 'types.ts'), 'utf8')).toContain('"/wallet/history"');
  // the SDK package is rebuilt with it
  expect(fs.readFileSync(path.join(root, 'generated', 'istar', 'package', 'lib', 'generated', 'istar', 'types.d.ts'), 'utf8')).toContain('"/wallet/history"');
  expect((await checkProvider(getProvider('istar'), { root })).stale).toEqual([]);
  const again = await generateProvider(getProvider('istar'), { root });
  expect(again.status).toBe('unchanged');
});
