// `make`'s drift step trusts MANIFEST.json (inputs hash, file hashes, no extra files) instead of
// rendering again: each way generated/ can go stale must still be named.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getProvider, REPO_ROOT } from '../../contracts/providers.ts';
import { checkProvider } from '../../generators/pipeline.ts';
import { tempDir } from '../support/fixtures.ts';

const odm = getProvider('odm');
let root: string;

beforeEach(() => {
  root = tempDir('drift-manifest');
  for (const dir of ['specs', 'generated']) fs.cpSync(path.join(REPO_ROOT, dir), path.join(root, dir), { recursive: true });
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

const at = (rel: string) => path.join(root, rel);

describe.each([
  { given: 'nothing changed', change: () => {}, want: [] },
  { given: 'a generated file edited by hand', change: () => fs.appendFileSync(at('generated/odm/client.ts'), '// edited\n'), want: ['generated/odm/client.ts'] },
  { given: 'a file of the SDK package edited', change: () => fs.appendFileSync(at('generated/odm/package/lib/runtime/contract.js'), '// edited\n'), want: ['generated/odm/package/lib/runtime/contract.js'] },
  { given: 'an extra file in generated/', change: () => fs.writeFileSync(at('generated/odm/package/lib/extra.js'), ''), want: ['generated/odm/package/lib/extra.js'] },
  { given: 'a generated file deleted', change: () => fs.rmSync(at('generated/odm/package/package.json')), want: ['generated/odm/package/package.json'] },
  {
    given: 'the spec changed',
    change: () => fs.writeFileSync(at('specs/odm/openapi.yaml'), fs.readFileSync(at('specs/odm/openapi.yaml'), 'utf8').replace(/^(  version: .*)$/m, '$1-changed')),
    want: expect.arrayContaining(['generated/odm/MANIFEST.json', 'generated/odm/package/package.json']),
  },
])('$given', ({ change, want }) => {
  it('trusting the manifest gives the same answer as rendering', async () => {
    change();
    const trusted = await checkProvider(odm, { root, trustManifest: true });
    const rendered = await checkProvider(odm, { root });
    expect(trusted.stale).toEqual(want);
    expect(trusted.stale).toEqual(rendered.stale);
  });
});
