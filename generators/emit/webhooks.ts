/** webhooks.ts: typed webhook payloads by event, and the provider's webhook verifier. */
import { tsHeader } from '../header.ts';
import type { Emitter } from '../pipeline.ts';

export const emitWebhooks: Emitter = ({ provider, contract, source }): Record<string, string> => {
  const T = provider.typeName;
  if (!contract.webhooks.length || !contract.signing.webhooks) return {};
  const keyField = contract.signing.webhooks.includes('callback') && contract.signing.webhooks.startsWith('odm') ? 'publicKey' : 'secret';
  return {
    'webhooks.ts': `${tsHeader(source, 'accord')}
import { createWebhookVerifier, type VerifiedWebhook, type WebhookInput } from '../../runtime/webhooks.ts';
import { contract } from './contract.ts';
import { load${T}Spec } from './spec.ts';
import type { webhooks } from './types.ts';

export { WebhookPayloadError } from '../../runtime/webhooks.ts';
export { SignatureVerificationError } from '../../signing/errors.ts';

/** Every event ${contract.title} sends. */
export type ${T}WebhookEvent = ${contract.webhooks.map((w) => JSON.stringify(w.event)).join(' | ')};

/** The payload of each event, from the spec's top-level webhooks. */
export interface ${T}WebhookPayloads {
${contract.webhooks.map((w) => `  ${JSON.stringify(w.event)}: webhooks[${JSON.stringify(w.event)}]['post']['requestBody']['content']['application/json'];`).join('\n')}
}

/** A verified delivery, discriminated by event. */
export type ${T}Webhook = { [E in ${T}WebhookEvent]: VerifiedWebhook<E, ${T}WebhookPayloads[E]> }[${T}WebhookEvent];

let verifier: ReturnType<typeof createWebhookVerifier> | undefined;

/**
 * Verifies a delivery's \`${contract.signing.webhooks}\` signature over the raw body, then its payload
 * against the spec. Throws SignatureVerificationError (code and a hint on what to check) or
 * WebhookPayloadError.
 *
 * @example
 *   const hook = verify${T}Webhook({ headers: req.headers, rawBody, ${keyField}: ${keyField === 'secret' ? 'process.env.WEBHOOK_SECRET' : 'odmPublicKeyPem'} });
 *   if (hook.event === ${JSON.stringify(contract.webhooks[0]!.event)}) hook.payload; // typed
 */
export function verify${T}Webhook(input: WebhookInput): ${T}Webhook {
  verifier ??= createWebhookVerifier(contract, load${T}Spec());
  return verifier(input) as ${T}Webhook;
}
`,
  };
};
