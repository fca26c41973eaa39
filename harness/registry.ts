/**
 * The registry of per-provider harness declarations (harness/providers/<provider>.ts): the checks
 * read provider knowledge only through here. Providers import declaration types from
 * harness/declarations.ts, never a check, so there is no import circle.
 */
import type { BehaviourDeclaration, ProviderHarness } from './declarations.ts';
import { ISTAR } from './providers/istar.ts';
import { ODM } from './providers/odm.ts';
import { SIRGIVING } from './providers/sirgiving.ts';
import { STARSHIP } from './providers/starship.ts';

const REGISTRY: Record<string, ProviderHarness> = { starship: STARSHIP, istar: ISTAR, sirgiving: SIRGIVING, odm: ODM };

/** A provider's declarations (none: an empty set, every check falls back to the spec alone). */
export const harnessOf = (provider: string): ProviderHarness => REGISTRY[provider] ?? {};

/** A provider's behaviour-check declarations (none: every behaviour check skips it). */
export const behaviourOf = (provider: string): BehaviourDeclaration => harnessOf(provider).behaviour ?? {};
