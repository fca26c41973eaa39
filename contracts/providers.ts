import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, wherever accord is run from. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export type ProviderId = 'starship' | 'istar' | 'sirgiving' | 'odm';

export interface Provider {
  id: ProviderId;
  title: string;
  /** Prefix of generated type and function names: `createStarshipClient`, `IStarHandlers`. */
  typeName: string;
  /** Root file of the hand-authored OpenAPI 3.1 spec. */
  specPath: string;
  /** Port offset: the Prism mock listens on 4010+offset, the sandbox on 4100+offset. */
  portOffset: number;
}

const declare = (id: ProviderId, title: string, typeName: string, portOffset: number): Provider => ({
  id,
  title,
  typeName,
  specPath: path.join(REPO_ROOT, 'specs', id, 'openapi.yaml'),
  portOffset,
});

/** The four contracts, in port order. Providers differ in data only: this table is that data. */
export const PROVIDERS: readonly Provider[] = [
  declare('starship', 'Starship Rewards', 'Starship', 0),
  declare('istar', 'iStar', 'IStar', 1),
  declare('sirgiving', 'SIR Giving', 'SirGiving', 2),
  declare('odm', 'ODM', 'Odm', 3),
];

export const PROVIDER_IDS = PROVIDERS.map((p) => p.id);

/** Thrown for a provider name that is not one of the four; the message lists the valid ones. */
export class UnknownProviderError extends Error {
  constructor(readonly given: string) {
    super(`unknown provider "${given}": expected one of ${PROVIDER_IDS.join(', ')}`);
    this.name = 'UnknownProviderError';
  }
}

export function getProvider(id: string): Provider {
  const found = PROVIDERS.find((p) => p.id === id);
  if (!found) throw new UnknownProviderError(id);
  return found;
}

/** Resolves a list of names (empty: all four) to providers, rejecting unknown names. */
export function selectProviders(names: readonly string[]): Provider[] {
  return names.length === 0 ? [...PROVIDERS] : names.map(getProvider);
}
