/**
 * Verifying a webhook delivery for any provider: the signature (with the provider's webhook
 * scheme, over the raw body, inside its window), then the payload against the event's schema.
 * Generated `webhooks.ts` files bind this to a contract and type the payloads.
 */
import type { ValidateFunction } from 'ajv';
import { createSchemaSet, formatAjvErrors } from '../contracts/schemas.ts';
import { pointerOf } from '../contracts/walk.ts';
import { getHeader, webhookMetadataHeaders } from '../signing/headers.ts';
import { getScheme } from '../signing/schemes/index.ts';
import { verify } from '../signing/engine.ts';
import type { HeadersInput, KeyInput, SecretInput } from '../signing/types.ts';
import type { Contract } from './contract.ts';

/** A delivery whose signature verified but whose payload is not what the spec promises. */
export class WebhookPayloadError extends Error {
  constructor(
    readonly code: 'malformed_json' | 'unknown_event' | 'payload_invalid',
    message: string,
  ) {
    super(message);
    this.name = 'WebhookPayloadError';
  }
}

export interface WebhookInput {
  headers: HeadersInput;
  /** The body exactly as received: verify before parsing, never a re-serialized object. */
  rawBody: Uint8Array | string;
  /** HMAC schemes: the webhook secret (several during a rotation). */
  secret?: SecretInput | readonly SecretInput[];
  /** Ed25519 schemes: the provider's public key (several during a rotation). */
  publicKey?: KeyInput | readonly KeyInput[];
  /** Verifier clock, unix seconds. */
  now?: number;
}

export interface VerifiedWebhook<Event extends string = string, Payload = unknown> {
  event: Event;
  deliveryId: string | undefined;
  payload: Payload;
}

export interface WebhookVerifier {
  (input: WebhookInput): VerifiedWebhook;
}

/** Builds a verifier for a contract's webhooks; payload schemas are compiled once, here. */
export function createWebhookVerifier(contract: Contract, spec: any): WebhookVerifier {
  const schemeId = contract.signing.webhooks;
  if (!schemeId) throw new Error(`${contract.provider} does not sign webhooks`);
  const scheme = getScheme(schemeId);
  const { event: eventHeader, delivery: deliveryHeader } = webhookMetadataHeaders(scheme);
  const schemas = createSchemaSet(spec, `accord:webhooks:${contract.provider}`);
  const validators = new Map<string, ValidateFunction>();
  for (const hook of contract.webhooks) {
    validators.set(hook.event, schemas.validatorAt(pointerOf(['webhooks', hook.event, 'post', 'requestBody', 'content', 'application/json', 'schema'])));
  }
  return (input) => {
    verify(scheme.id, {
      headers: input.headers,
      body: input.rawBody,
      ...(input.secret !== undefined ? { secret: input.secret } : {}),
      ...(input.publicKey !== undefined ? { publicKey: input.publicKey } : {}),
      ...(input.now !== undefined ? { now: input.now } : {}),
    });
    let payload: any;
    try {
      payload = JSON.parse(typeof input.rawBody === 'string' ? input.rawBody : new TextDecoder().decode(input.rawBody));
    } catch {
      throw new WebhookPayloadError('malformed_json', 'The delivery body is not valid JSON, although its signature verified.');
    }
    const event = (eventHeader && getHeader(input.headers, eventHeader)) || payload?.event || payload?.event_type || payload?.type;
    const validate = validators.get(String(event));
    if (!validate) throw new WebhookPayloadError('unknown_event', `Unknown event "${String(event)}"; ${contract.provider} sends ${[...validators.keys()].join(', ')}.`);
    if (!validate(payload)) throw new WebhookPayloadError('payload_invalid', `The ${String(event)} payload does not match the spec: ${formatAjvErrors(validate.errors).slice(0, 5).join('; ')}`);
    return { event: String(event), deliveryId: deliveryHeader ? getHeader(input.headers, deliveryHeader) : undefined, payload };
  };
}
