import { SignatureVerificationError } from '../errors.ts';
import type { SchemeDeclaration, SchemeId } from '../types.ts';
import { istarWebhook } from './istar-webhook.ts';
import { odmCallback } from './odm-callback.ts';
import { odmEd25519 } from './odm-ed25519.ts';
import { sirgivingHmac } from './sirgiving-hmac.ts';
import { sirgivingWebhook } from './sirgiving-webhook.ts';
import { starshipHmacConcat } from './starship-hmac-concat.ts';
import { starshipHmacV1 } from './starship-hmac-v1.ts';
import { starshipWebhook } from './starship-webhook.ts';

/** Every scheme, in the order of specs/CONVENTIONS.md. */
export const SCHEMES: readonly SchemeDeclaration[] = [
  starshipHmacV1,
  starshipHmacConcat,
  starshipWebhook,
  istarWebhook,
  sirgivingHmac,
  sirgivingWebhook,
  odmEd25519,
  odmCallback,
];

export const SCHEME_IDS: readonly SchemeId[] = SCHEMES.map((s) => s.id);

const BY_ID = new Map<string, SchemeDeclaration>(SCHEMES.map((s) => [s.id, s]));

export function isSchemeId(id: string): id is SchemeId {
  return BY_ID.has(id);
}

/** The declaration for `id`; throws `unknown_scheme` naming the valid ids. */
export function getScheme(id: string): SchemeDeclaration {
  const scheme = BY_ID.get(id);
  if (!scheme) {
    throw new SignatureVerificationError('unknown_scheme', `unknown signing scheme "${String(id).slice(0, 64)}": expected one of ${SCHEME_IDS.join(', ')}`);
  }
  return scheme;
}
