/**
 * The checks of documented behaviour beyond shapes and statuses (header values, the credential
 * lifecycle, Idempotency-Key bounds and scope, negative business flows, computed documents,
 * per-credential limits), in the order they run; each lives in its own file.
 */
import type { Check } from '../types.ts';
import { BUSINESS_CHECKS } from './business.ts';
import { CREDENTIAL_CHECKS } from './credentials.ts';
import { HEADER_CHECKS } from './headers.ts';
import { IDEMPOTENCY_KEY_CHECKS } from './idempotency-keys.ts';
import { RATE_LIMIT_KEY_CHECKS } from './rate-limit-keys.ts';

export const BEHAVIOUR_CHECKS: readonly Check[] = [...HEADER_CHECKS, ...CREDENTIAL_CHECKS, ...IDEMPOTENCY_KEY_CHECKS, ...BUSINESS_CHECKS, ...RATE_LIMIT_KEY_CHECKS];
