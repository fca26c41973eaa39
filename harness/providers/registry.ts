/**
 * The registry the behaviour checks read provider declarations from (harness/declarations.ts):
 * checks import this file, providers never import a check at run time.
 */
import type { BehaviourDeclaration } from '../declarations.ts';
import { BEHAVIOUR as istar } from './istar.ts';
import { BEHAVIOUR as odm } from './odm.ts';
import { BEHAVIOUR as sirgiving } from './sirgiving.ts';
import { BEHAVIOUR as starship } from './starship.ts';

const BEHAVIOURS: Readonly<Record<string, BehaviourDeclaration>> = { starship, istar, sirgiving, odm };

/** The provider's declarations (none: every behaviour check skips it). */
export const behaviourOf = (provider: string): BehaviourDeclaration => BEHAVIOURS[provider] ?? {};
