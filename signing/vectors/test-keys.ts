import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';

// TEST-ONLY key material. Every value here is published in specs/*/vectors/*.json and must never
// protect anything real. Secrets say so in their text; Ed25519 keys are derived from labelled seeds
// so regenerating the vectors always yields the same keys.

/** The Ed25519 PKCS#8 DER prefix: a 32-byte seed follows. */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export interface TestKeypair {
  privateKeyPem: string;
  publicKeyPem: string;
}

/** A deterministic Ed25519 keypair from a label (seed = SHA-256 of the label). */
export function testKeypair(label: string): TestKeypair {
  const seed = createHash('sha256').update(`accord test-only ed25519 seed: ${label}`).digest();
  const key = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  return {
    privateKeyPem: key.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** primary: the current key; previous: the key being rotated out; wrong: someone else's key. */
export interface TestKeyring<K> {
  primary: K;
  previous: K;
  wrong: K;
}

export const TEST_SECRETS: Record<string, TestKeyring<string>> = {
  'starship-hmac-v1': {
    primary: 'test_starship_signing_secret_DO_NOT_USE',
    previous: 'test_starship_signing_secret_PREVIOUS_DO_NOT_USE',
    wrong: 'test_wrong_secret_DO_NOT_USE',
  },
  'starship-hmac-concat': {
    primary: 'sk_test_starship_api_secret_DO_NOT_USE',
    previous: 'sk_test_starship_api_secret_PREVIOUS_DO_NOT_USE',
    wrong: 'sk_test_wrong_api_secret_DO_NOT_USE',
  },
  'starship-webhook': {
    primary: 'whsec_test_starship_DO_NOT_USE',
    previous: 'whsec_test_starship_PREVIOUS_DO_NOT_USE',
    wrong: 'whsec_test_wrong_DO_NOT_USE',
  },
  'istar-webhook': {
    primary: 'test_istar_webhook_secret_DO_NOT_USE',
    previous: 'test_istar_webhook_secret_PREVIOUS_DO_NOT_USE',
    wrong: 'test_istar_wrong_secret_DO_NOT_USE',
  },
  // SIR Giving issues a 64-hex HMAC secret, used as its ASCII text: these are obviously patterned test values.
  'sirgiving-hmac': {
    primary: '0123456789abcdef'.repeat(4),
    previous: 'fedcba9876543210'.repeat(4),
    wrong: '0'.repeat(64),
  },
  'sirgiving-webhook': {
    primary: '0123456789abcdef'.repeat(4),
    previous: 'fedcba9876543210'.repeat(4),
    wrong: '0'.repeat(64),
  },
};

export const TEST_KEYPAIRS: Record<string, TestKeyring<TestKeypair>> = {
  'odm-ed25519': {
    primary: testKeypair('odm partner api access'),
    previous: testKeypair('odm partner api access, previous'),
    wrong: testKeypair('someone else'),
  },
  'odm-callback': {
    primary: testKeypair('odm platform callback key'),
    previous: testKeypair('odm platform callback key, previous'),
    wrong: testKeypair('someone else'),
  },
};
