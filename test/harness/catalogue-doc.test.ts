// The check catalogue is documented in one place, README.md, generated from the checks
// themselves: this test fails when the two drift apart.
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { REPO_ROOT } from '../../contracts/providers.ts';
import { CHECKS } from '../../harness/catalogue.ts';
import { catalogueMarkdown } from '../../harness/catalogue-table.ts';

it('README.md carries the current check catalogue', () => {
  const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const between = /<!-- catalogue:start -->\n([\s\S]*?)\n<!-- catalogue:end -->/.exec(readme)?.[1];
  expect(between, 'README.md needs the catalogue between <!-- catalogue:start --> and <!-- catalogue:end -->').toBeDefined();
  expect(between).toBe(catalogueMarkdown());
});

it('every check says what it sends and what it expects, under a unique id', () => {
  expect(new Set(CHECKS.map((c) => c.id)).size).toBe(CHECKS.length);
  for (const c of CHECKS) {
    expect(c.sends.length, c.id).toBeGreaterThan(10);
    expect(c.expects.length, c.id).toBeGreaterThanOrEqual(3);
  }
});
