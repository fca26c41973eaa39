/** The oracle: accord's signing engine, run on a case to get what a correct signer or verifier does. */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { sign, verify } from '../../signing/engine.ts';
import { SignatureVerificationError } from '../../signing/errors.ts';
import type { SchemeDeclaration } from '../../signing/types.ts';
import type { SignExpectation, SignRequest, VerifyRequest } from './types.ts';

const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export interface Ed25519Pair {
  privateKeyPem: string;
  publicKeyPem: string;
}

const PAIRS = new Map<string, Ed25519Pair>();

/** A deterministic Ed25519 pair from 32 seed bytes (property cases draw the seed). */
export function ed25519FromSeed(seed: Uint8Array): Ed25519Pair {
  const hex = Buffer.from(seed).toString('hex');
  let pair = PAIRS.get(hex);
  if (!pair) {
    const key: KeyObject = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
    pair = { privateKeyPem: key.export({ type: 'pkcs8', format: 'pem' }).toString(), publicKeyPem: createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString() };
    if (PAIRS.size > 4096) PAIRS.clear();
    PAIRS.set(hex, pair);
  }
  return pair;
}

export function bodyOf(request: { body_base64: string }): Buffer {
  return Buffer.from(request.body_base64, 'base64');
}

/** What the engine signs for this request: every intermediate and the scheme's own headers. */
export function expectSign(scheme: SchemeDeclaration, request: SignRequest): SignExpectation {
  const signed = sign(scheme.id, {
    method: request.method,
    path: request.path,
    query: request.query,
    body: bodyOf(request),
    ...(request.timestamp === null ? {} : { timestamp: request.timestamp }),
    ...(request.secret !== undefined ? { secret: request.secret } : { privateKey: request.private_key_pem! }),
  });
  return {
    canonical: signed.canonicalBytes,
    ...(signed.intermediates.sortedQuery !== undefined ? { sortedQuery: signed.intermediates.sortedQuery } : {}),
    ...(signed.intermediates.bodySha256 !== undefined ? { bodySha256: signed.intermediates.bodySha256 } : {}),
    signature: signed.signature,
    headers: signed.headers,
    timestamp: request.timestamp === null ? '' : String(request.timestamp),
  };
}

/** `valid`, or the code the engine refuses this request with. */
export function expectVerify(scheme: SchemeDeclaration, request: VerifyRequest): string {
  try {
    verify(scheme.id, {
      method: request.method,
      path: request.path,
      query: request.query,
      headers: request.headers,
      body: bodyOf(request),
      now: request.now,
      ...(request.secrets ? { secret: request.secrets } : { publicKey: request.public_keys_pem ?? [] }),
    });
    return 'valid';
  } catch (err) {
    if (err instanceof SignatureVerificationError) return err.code;
    throw err;
  }
}
