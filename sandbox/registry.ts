/** The provider sandboxes by id. A provider appears here once its handlers exist. */
import type { ProviderId } from '../contracts/providers.ts';
import { istarSandbox } from '../providers/istar/sandbox/index.ts';
import { odmSandbox } from '../providers/odm/sandbox/index.ts';
import { sirgivingSandbox } from '../providers/sirgiving/sandbox/index.ts';
import { starshipSandbox } from '../providers/starship/sandbox/index.ts';
import type { ProviderSandbox } from './provider.ts';

export const SANDBOXES: Partial<Record<ProviderId, ProviderSandbox>> = {
  istar: istarSandbox,
  odm: odmSandbox,
  sirgiving: sirgivingSandbox,
  starship: starshipSandbox,
};
