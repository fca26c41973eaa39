/** The provider's error envelope, as a shape tests compare answers with. */
import { expect } from 'vitest';
import type { ProviderId } from '../../contracts/providers.ts';
import { SANDBOXES } from '../../sandbox/registry.ts';

/** The shape of a provider's error envelope: every key path of a sample body. */
function envelopeShape(id: ProviderId): string[] {
  const sample = SANDBOXES[id]!.http.errors.body({ status: 400, code: 'X', message: 'm', requestId: 'r' });
  const paths = (v: unknown, at: string): string[] => (v && typeof v === 'object' ? Object.entries(v).flatMap(([k, x]) => [`${at}${k}`, ...paths(x, `${at}${k}.`)]) : []);
  return paths(sample, '').sort();
}
/** Asserts `body` has exactly the key paths of the provider's error envelope. */
export function expectEnvelope(id: ProviderId, body: unknown): void {
  const paths = (v: unknown, at: string): string[] => (v && typeof v === 'object' ? Object.entries(v).flatMap(([k, x]) => [`${at}${k}`, ...paths(x, `${at}${k}.`)]) : []);
  expect(paths(body, '').sort()).toEqual(envelopeShape(id));
}

