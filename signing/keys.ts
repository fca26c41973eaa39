import { createPrivateKey, createPublicKey, KeyObject } from 'node:crypto';
import { SignatureVerificationError } from './errors.ts';
import type { KeyInput, SchemeDeclaration, SecretInput } from './types.ts';

// Parsing PEM costs more than an Ed25519 signature; callers usually pass the same PEM every time.
const PARSED = new Map<string, KeyObject>();
const PARSED_MAX = 32;

function parse(pem: string, kind: 'private' | 'public'): KeyObject {
  const cacheKey = `${kind}:${pem}`;
  let key = PARSED.get(cacheKey);
  if (!key) {
    key = kind === 'private' ? createPrivateKey(pem) : createPublicKey(pem);
    if (PARSED.size >= PARSED_MAX) PARSED.clear();
    PARSED.set(cacheKey, key);
  }
  return key;
}

function invalid(scheme: SchemeDeclaration, what: string): SignatureVerificationError {
  return new SignatureVerificationError('invalid_key', `${scheme.id}: ${what}; the key is ${scheme.keyName}`, { scheme: scheme.id });
}

/** An HMAC secret as given (strings are used as UTF-8 by node:crypto); rejects empty secrets. */
export function hmacSecret(scheme: SchemeDeclaration, secret: SecretInput | undefined): SecretInput {
  if (secret === undefined || secret === null) throw invalid(scheme, 'no secret given');
  if (typeof secret !== 'string' && !(secret instanceof Uint8Array)) throw invalid(scheme, 'the secret must be a string or bytes');
  if (secret.length === 0) throw invalid(scheme, 'the secret is empty');
  return secret;
}

/** An Ed25519 private key from PKCS#8 PEM or a KeyObject. */
export function ed25519PrivateKey(scheme: SchemeDeclaration, key: KeyInput | undefined): KeyObject {
  if (key === undefined || key === null) throw invalid(scheme, 'no private key given');
  let parsed: KeyObject;
  try {
    parsed = typeof key === 'string' ? parse(key, 'private') : key;
  } catch {
    throw invalid(scheme, 'the private key is not a PEM (PKCS#8) private key');
  }
  if (!(parsed instanceof KeyObject) || parsed.type !== 'private' || parsed.asymmetricKeyType !== 'ed25519') {
    throw invalid(scheme, 'the private key is not an Ed25519 private key');
  }
  return parsed;
}

/** An Ed25519 public key from SPKI PEM, a private key's PEM, or a KeyObject of either kind. */
export function ed25519PublicKey(scheme: SchemeDeclaration, key: KeyInput | undefined): KeyObject {
  if (key === undefined || key === null) throw invalid(scheme, 'no public key given');
  let parsed: KeyObject;
  try {
    parsed = typeof key === 'string' ? parse(key, 'public') : key.type === 'private' ? createPublicKey(key) : key;
  } catch {
    throw invalid(scheme, 'the public key is not a PEM (SPKI) public key');
  }
  if (!(parsed instanceof KeyObject) || parsed.type !== 'public' || parsed.asymmetricKeyType !== 'ed25519') {
    throw invalid(scheme, 'the public key is not an Ed25519 public key');
  }
  return parsed;
}
