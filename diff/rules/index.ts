/**
 * Every rule of `accord diff`, one per file (like openapi-typescript's transforms): each looks at one
 * kind of node pair that diff/compare.ts hands it and reports what a client built against the
 * base spec would notice. A new rule is one file and one line here.
 */
import type { Rule } from '../types.ts';
import { additionalPropertiesChanged } from './additional-properties-changed.ts';
import { boundChanged } from './bound-changed.ts';
import { defaultChanged } from './default-changed.ts';
import { deprecated } from './deprecated.ts';
import { enumChanged } from './enum-changed.ts';
import { errorCodesChanged } from './error-codes-changed.ts';
import { formatChanged } from './format-changed.ts';
import { idempotencyChanged } from './idempotency-changed.ts';
import { idempotencyKeyChanged } from './idempotency-key-changed.ts';
import { mediaTypeChanged } from './media-type-changed.ts';
import { operationAdded } from './operation-added.ts';
import { operationIdChanged } from './operation-id-changed.ts';
import { operationRemoved } from './operation-removed.ts';
import { operationSigningChanged } from './operation-signing-changed.ts';
import { parameterAdded } from './parameter-added.ts';
import { parameterRemoved } from './parameter-removed.ts';
import { parameterRequiredChanged } from './parameter-required-changed.ts';
import { patternChanged } from './pattern-changed.ts';
import { propertyAdded } from './property-added.ts';
import { propertyRemoved } from './property-removed.ts';
import { rateLimitChanged } from './rate-limit-changed.ts';
import { requestBodyChanged } from './request-body-changed.ts';
import { requiredChanged } from './required-changed.ts';
import { responseHeaderChanged } from './response-header-changed.ts';
import { responseStatusAdded } from './response-status-added.ts';
import { responseStatusRemoved } from './response-status-removed.ts';
import { securityChanged } from './security-changed.ts';
import { securitySchemeChanged } from './security-scheme-changed.ts';
import { serverChanged } from './server-changed.ts';
import { signingSchemeChanged } from './signing-scheme-changed.ts';
import { typeChanged } from './type-changed.ts';
import { variantChanged } from './variant-changed.ts';
import { webhookAdded } from './webhook-added.ts';
import { webhookRemoved } from './webhook-removed.ts';

export const RULES: readonly Rule[] = [
  // operations and webhooks
  operationRemoved,
  operationAdded,
  webhookRemoved,
  webhookAdded,
  operationIdChanged,
  deprecated,
  // authentication, signing, idempotency, limits, servers
  securityChanged,
  securitySchemeChanged,
  signingSchemeChanged,
  operationSigningChanged,
  idempotencyChanged,
  idempotencyKeyChanged,
  rateLimitChanged,
  serverChanged,
  // parameters, bodies, responses
  parameterAdded,
  parameterRemoved,
  parameterRequiredChanged,
  requestBodyChanged,
  mediaTypeChanged,
  responseStatusRemoved,
  responseStatusAdded,
  responseHeaderChanged,
  // schemas (request and response, each in its direction)
  propertyAdded,
  propertyRemoved,
  requiredChanged,
  enumChanged,
  typeChanged,
  boundChanged,
  patternChanged,
  formatChanged,
  additionalPropertiesChanged,
  variantChanged,
  defaultChanged,
  errorCodesChanged,
];
