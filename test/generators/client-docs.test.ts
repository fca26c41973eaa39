// The generated clients' JSDoc examples are what an editor shows first: each names a credential
// the provider issues (never an empty `credentials: {  }`).
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { PROVIDERS, REPO_ROOT } from '../../contracts/providers.ts';

const WANT: Record<string, string> = {
  starship: "credentials: { apiKey: '…', apiSecret: '…' }",
  istar: "credentials: { apiKey: '…' }",
  sirgiving: "credentials: { partnerKey: '…' }",
  odm: "credentials: { apiKey: '…' }",
};

it.each(PROVIDERS)('$id: both client examples name its credentials', (provider) => {
  const source = fs.readFileSync(path.join(REPO_ROOT, 'generated', provider.id, 'client.ts'), 'utf8');
  const examples = [...source.matchAll(/^ \*   const client = create\w+\(\{ .*$/gm)].map((m) => m[0]);
  expect(examples).toHaveLength(2);
  for (const line of examples) {
    expect(line).toContain(WANT[provider.id]);
    expect(line).not.toMatch(/credentials: \{\s*(…\s*)?\}/);
  }
});
