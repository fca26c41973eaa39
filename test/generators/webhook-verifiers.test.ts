// Each provider's generated webhook verifier: a delivery signed with the provider's webhook scheme
// over the spec's own example payload verifies and comes back typed by event; a tampered body, a
// wrong key or a payload that breaks the schema is refused with the right error.
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bundleSpec } from '../../contracts/bundle.ts';
import { getProvider } from '../../contracts/providers.ts';
import { deref } from '../../contracts/walk.ts';
import { verifyIStarWebhook } from '../../generated/istar/webhooks.ts';
import { verifyOdmWebhook } from '../../generated/odm/webhooks.ts';
import { verifySirGivingWebhook } from '../../generated/sirgiving/webhooks.ts';
import { verifyStarshipWebhook } from '../../generated/starship/webhooks.ts';
import type { WebhookInput } from '../../runtime/webhooks.ts';
import { sign } from '../../signing/engine.ts';
import { SignatureVerificationError } from '../../signing/errors.ts';
import { getScheme } from '../../signing/schemes/index.ts';

const ed = generateKeyPairSync('ed25519');
const edPrivate = ed.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const edPublic = ed.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const other = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();

const CASES = [
  { provider: 'starship', scheme: 'starship-webhook', verify: verifyStarshipWebhook, key: { secret: 'whsec_starship' }, wrong: { secret: 'whsec_other' } },
  { provider: 'istar', scheme: 'istar-webhook', verify: verifyIStarWebhook, key: { secret: 'whsec_istar' }, wrong: { secret: 'whsec_other' } },
  { provider: 'sirgiving', scheme: 'sirgiving-webhook', verify: verifySirGivingWebhook, key: { secret: 'c'.repeat(64) }, wrong: { secret: 'd'.repeat(64) } },
  { provider: 'odm', scheme: 'odm-callback', verify: verifyOdmWebhook, key: { privateKey: edPrivate }, verifyKey: { publicKey: edPublic }, wrong: { publicKey: other } },
] as const;

async function examplesOf(provider: string): Promise<Array<{ event: string; body: unknown }>> {
  const doc = await bundleSpec(getProvider(provider).specPath);
  return Object.entries<any>(doc.webhooks).flatMap(([event, item]) => {
    const media = deref(doc, item.post.requestBody).content['application/json'];
    return Object.values<any>(media.examples ?? {}).map((ex) => ({ event, body: deref(doc, ex).value }));
  });
}

describe.each(CASES)('$provider webhook verifier', (c) => {
  const deliver = (event: string, body: string, timestamp = Math.floor(Date.now() / 1000)) => {
    const scheme = getScheme(c.scheme);
    const meta = Object.fromEntries((scheme.metadataHeaders ?? []).map((h) => [h, /event$/i.test(h) ? event : 'dlv_test_1']));
    return { ...sign(c.scheme, { body, timestamp, ...c.key }).headers, ...meta };
  };
  const verifyWith = (input: Omit<WebhookInput, 'secret' | 'publicKey'>, key: object) => (c.verify as (i: WebhookInput) => any)({ ...input, ...key });
  const goodKey = 'verifyKey' in c ? c.verifyKey : c.key;

  it('verifies every example payload of the spec, typed by event', async () => {
    const examples = await examplesOf(c.provider);
    expect(examples.length).toBeGreaterThan(0);
    for (const ex of examples) {
      const body = JSON.stringify(ex.body);
      const hook = verifyWith({ headers: deliver(ex.event, body), rawBody: body }, goodKey);
      expect(hook.event).toBe(ex.event);
      expect(hook.payload).toEqual(ex.body);
    }
  });

  it('refuses a tampered body, a wrong key, and a payload that breaks its schema', async () => {
    const [ex] = await examplesOf(c.provider);
    const body = JSON.stringify(ex!.body);
    const headers = deliver(ex!.event, body);
    expect(() => verifyWith({ headers, rawBody: body.replace(/.$/, ' }') }, goodKey)).toThrow(SignatureVerificationError);
    expect(() => verifyWith({ headers, rawBody: body }, c.wrong)).toThrow(SignatureVerificationError);
    const broken = JSON.stringify({ ...(ex!.body as object), unexpected_field: true });
    expect(() => verifyWith({ headers: deliver(ex!.event, broken), rawBody: broken }, goodKey)).toThrow(/does not match the spec/);
  });
});
