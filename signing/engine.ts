import { createHmac, sign as edSign, verify as edVerify, type Hmac, type KeyObject } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import { CANONICAL_BUILDERS, canonicalBytes, toBytes, type Canonical } from './canonical.ts';
import { SignatureVerificationError } from './errors.ts';
import { expectedLayout, parseSignatureHeader, parseTimestamp, requireHeader, signatureHeaders } from './headers.ts';
import { ed25519PrivateKey, ed25519PublicKey, hmacSecret } from './keys.ts';
import { getScheme } from './schemes/index.ts';
import { constantTimeEqual } from './timing-safe.ts';
import type { BodyInput, KeyInput, SchemeDeclaration, SchemeId, SecretInput, SignInput, SignResult, VerifyInput, VerifyResult } from './types.ts';

function invalidInput(scheme: SchemeDeclaration, message: string): SignatureVerificationError {
  return new SignatureVerificationError('invalid_input', `${scheme.id}: ${message}`, { scheme: scheme.id });
}

function nowSeconds(scheme: SchemeDeclaration, now: number | undefined): number {
  if (now === undefined) return Math.floor(Date.now() / 1000);
  if (!Number.isFinite(now)) throw invalidInput(scheme, '`now` must be unix seconds');
  return Math.floor(now);
}

/** Builds the canonical bytes; request schemes need a path, and the path must not carry the query. */
function canonicalFor(scheme: SchemeDeclaration, input: { method?: string; path?: string; query?: string; body?: BodyInput }, timestamp: string): Canonical {
  let method = '';
  let path = '';
  if (scheme.use === 'request') {
    method = (input.method ?? 'GET').toUpperCase();
    path = input.path ?? '';
    if (!path.startsWith('/')) throw invalidInput(scheme, 'path is required and must start with "/"');
    if (path.includes('?') || path.includes('#')) throw invalidInput(scheme, 'path must not contain the query or a fragment: pass the query separately');
  }
  return CANONICAL_BUILDERS[scheme.canonical]({ method, path, query: input.query ?? '', body: toBytes(input.body), timestamp });
}

function hasKeys(record: object): boolean {
  for (const _ in record) return true;
  return false;
}

const OWN_HEADERS = new WeakMap<SchemeDeclaration, string[]>();

/** Lowercase names of the headers a scheme's signer sets. */
function ownHeaderNames(scheme: SchemeDeclaration): string[] {
  let names = OWN_HEADERS.get(scheme);
  if (!names) {
    names = [scheme.signatureHeader, scheme.timestampHeader].filter((h): h is string => h !== undefined).map((h) => h.toLowerCase());
    OWN_HEADERS.set(scheme, names);
  }
  return names;
}

function hmac(secret: SecretInput, canonical: Canonical): Hmac {
  const mac = createHmac('sha256', secret);
  for (const part of canonical.parts) mac.update(part);
  return mac;
}

/**
 * Signs a request or webhook per the scheme's declaration.
 * Throws `SignatureVerificationError` (`unknown_scheme`, `invalid_key`, `invalid_input`).
 */
export function sign(schemeId: string, input: SignInput): SignResult {
  const scheme = getScheme(schemeId);
  let timestamp: number | undefined;
  if (scheme.windowSeconds !== null) {
    timestamp = input.timestamp ?? Math.floor(Date.now() / 1000);
    if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw invalidInput(scheme, 'timestamp must be a non-negative integer (unix seconds)');
  }
  const tsText = timestamp === undefined ? '' : String(timestamp);
  const canonical = canonicalFor(scheme, input, tsText);
  const signature =
    scheme.algorithm === 'hmac-sha256'
      ? hmac(hmacSecret(scheme, input.secret), canonical).digest('hex') // digest('hex') skips a Buffer: measurable per request
      : edSign(null, canonicalBytes(canonical), ed25519PrivateKey(scheme, input.privateKey)).toString('base64');

  const own = signatureHeaders(scheme, tsText, signature);
  let headers = own;
  if (input.headers && hasKeys(input.headers)) {
    // Drop any caller copy of our headers (whatever its casing) so the result carries one of each.
    const ours = ownHeaderNames(scheme);
    headers = {};
    for (const name of Object.keys(input.headers)) if (!ours.includes(name.toLowerCase())) headers[name] = input.headers[name]!;
    Object.assign(headers, own);
  }

  const intermediates: SignResult['intermediates'] = {};
  if (canonical.sortedQuery !== undefined) intermediates.sortedQuery = canonical.sortedQuery;
  if (canonical.bodySha256 !== undefined) intermediates.bodySha256 = canonical.bodySha256;
  return new Signed(scheme.id, canonical, signature, headers, intermediates, timestamp);
}

/**
 * A SignResult whose canonical bytes and text are built on first read: most callers only send the
 * headers, and copying the body into one more buffer per request showed in the bench.
 */
class Signed implements SignResult {
  #canonical: Canonical;
  #bytes: Buffer | undefined;
  #text: string | null | undefined;

  constructor(
    readonly scheme: SchemeId,
    canonical: Canonical,
    readonly signature: string,
    readonly headers: Record<string, string>,
    readonly intermediates: SignResult['intermediates'],
    readonly timestamp: number | undefined,
  ) {
    this.#canonical = canonical;
    this.#text = canonical.text;
  }

  get canonicalBytes(): Buffer {
    return (this.#bytes ??= canonicalBytes(this.#canonical));
  }

  get canonical(): string | undefined {
    if (this.#text === undefined) this.#text = isUtf8(this.canonicalBytes) ? this.canonicalBytes.toString('utf8') : null;
    return this.#text ?? undefined;
  }

  toJSON(): object {
    const { scheme, canonical, signature, headers, intermediates, timestamp } = this;
    return canonical === undefined
      ? { scheme, canonical_base64: this.canonicalBytes.toString('base64'), signature, headers, intermediates, timestamp }
      : { scheme, canonical, signature, headers, intermediates, timestamp };
  }
}

function asList<T>(value: T | readonly T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? [...(value as readonly T[])] : [value as T];
}

/** The verification keys, validated before anything about the request is looked at. */
function verificationKeys(scheme: SchemeDeclaration, input: VerifyInput): (SecretInput | KeyObject)[] {
  if (scheme.algorithm === 'hmac-sha256') {
    if (typeof input.secret === 'string' && input.keys === undefined) return [hmacSecret(scheme, input.secret)];
    const secrets = [...asList(input.secret), ...((input.keys ?? []) as SecretInput[])];
    if (secrets.length === 0) throw hmacSecret(scheme, undefined);
    return secrets.map((s) => hmacSecret(scheme, s));
  }
  const keys = [...asList<KeyInput>(input.publicKey), ...((input.keys ?? []) as KeyInput[])];
  if (keys.length === 0) return [ed25519PublicKey(scheme, undefined)];
  return keys.map((k) => ed25519PublicKey(scheme, k));
}

function windowError(scheme: SchemeDeclaration, header: string, timestamp: number, skew: number, tolerance: number): SignatureVerificationError {
  const direction = skew > 0 ? "older than the verifier's clock" : "ahead of the verifier's clock";
  const advice =
    timestamp > 1e11
      ? 'the timestamp looks like milliseconds: send unix seconds'
      : skew > 0
        ? 'check that the request was signed just before sending (a retry must be re-signed) and that the signer clock is synced (NTP)'
        : 'check that the signer clock is synced (NTP): it runs ahead';
  return new SignatureVerificationError(
    'timestamp_out_of_window',
    `${header} timestamp is ${Math.abs(skew)} s ${direction}, outside the ±${tolerance} s window of ${scheme.id}: ${advice}`,
    { scheme: scheme.id, header, skewSeconds: skew, toleranceSeconds: tolerance },
  );
}

/**
 * Verifies a signed request or webhook per the scheme's declaration. Returns which key and which
 * presented signature matched; throws `SignatureVerificationError` with a code otherwise.
 */
export function verify(schemeId: string, input: VerifyInput): VerifyResult {
  const scheme = getScheme(schemeId);
  const keys = verificationKeys(scheme, input);
  const headers = input.headers ?? {};
  const parsed = parseSignatureHeader(scheme, requireHeader(scheme, headers, scheme.signatureHeader));
  if (scheme.identityHeader) requireHeader(scheme, headers, scheme.identityHeader);

  let timestamp: number | undefined;
  let skewSeconds: number | undefined;
  let tsText = '';
  if (scheme.windowSeconds !== null) {
    const tsHeader = parsed.timestamp !== undefined ? scheme.signatureHeader : scheme.timestampHeader!;
    tsText = parsed.timestamp ?? requireHeader(scheme, headers, tsHeader);
    timestamp = parseTimestamp(scheme, tsHeader, tsText);
    if (parsed.timestamp !== undefined && scheme.timestampHeader) {
      const echoed = requireHeader(scheme, headers, scheme.timestampHeader);
      if (echoed !== tsText) {
        throw new SignatureVerificationError('malformed_header', `${scheme.timestampHeader} and the t= value of ${scheme.signatureHeader} disagree: both must carry the signed timestamp (${expectedLayout(scheme)})`, {
          scheme: scheme.id,
          header: scheme.timestampHeader,
        });
      }
    }
    const tolerance = input.toleranceSeconds ?? scheme.windowSeconds;
    skewSeconds = nowSeconds(scheme, input.now) - timestamp;
    if (Math.abs(skewSeconds) > tolerance) throw windowError(scheme, tsHeader, timestamp, skewSeconds, tolerance);
  }

  const canonical = canonicalFor(scheme, input, tsText);
  const bytes = scheme.algorithm === 'ed25519' ? canonicalBytes(canonical) : undefined;
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k]!;
    if (scheme.algorithm === 'hmac-sha256') {
      const expected = hmac(key as SecretInput, canonical).digest();
      for (let s = 0; s < parsed.signatures.length; s++) {
        if (constantTimeEqual(expected, parsed.signatures[s]!)) return { scheme: scheme.id, timestamp, skewSeconds, keyIndex: k, signatureIndex: s };
      }
    } else {
      for (let s = 0; s < parsed.signatures.length; s++) {
        if (edVerify(null, bytes!, key as KeyObject, parsed.signatures[s]!)) return { scheme: scheme.id, timestamp, skewSeconds, keyIndex: k, signatureIndex: s };
      }
    }
  }
  const tried = `${parsed.signatures.length} presented signature(s) against ${keys.length} key(s)`;
  throw new SignatureVerificationError('signature_mismatch', `${scheme.signatureHeader} does not match (${tried}): ${scheme.mismatchHint}`, {
    scheme: scheme.id,
    header: scheme.signatureHeader,
  });
}
