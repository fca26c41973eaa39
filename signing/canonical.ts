import { hash } from 'node:crypto';
import type { BodyInput, CanonicalId } from './types.ts';

/**
 * Orders two `k=v` pairs by key (the text before the first `=`), in the byte order of the keys'
 * UTF-8; a key that is a prefix of another comes first. Works on the pairs in place: slicing out
 * every key showed in the bench.
 */
function compareKeys(a: string, b: string): number {
  for (let i = 0; ; i++) {
    let ca = i < a.length ? a.charCodeAt(i) : -1;
    let cb = i < b.length ? b.charCodeAt(i) : -1;
    if (ca === 61 /* = */) ca = -1;
    if (cb === 61) cb = -1;
    if (ca === -1 || cb === -1) return ca === cb ? 0 : ca === -1 ? -1 : 1;
    if (ca !== cb) {
      // UTF-16 order differs from UTF-8 byte order only around surrogates: compare bytes there.
      if (ca >= 0xd800 || cb >= 0xd800) return Buffer.compare(Buffer.from(keyOf(a), 'utf8'), Buffer.from(keyOf(b), 'utf8'));
      return ca - cb;
    }
  }
}

function keyOf(pair: string): string {
  const eq = pair.indexOf('=');
  return eq === -1 ? pair : pair.slice(0, eq);
}

/**
 * The query's `k=v` pairs sorted by key, stable within repeated keys, joined with `&`.
 * Keys and values stay exactly as on the wire (percent-encoding and `+` are not decoded); one
 * leading `?` and empty pairs (`a=1&&b=2`) are dropped; a pair without `=` keeps its form.
 *
 * @example sortedQuery('tag=b&a=1&tag=a') // 'a=1&tag=b&tag=a'
 */
export function sortedQuery(query: string | undefined): string {
  if (!query) return '';
  const q = query.charCodeAt(0) === 63 /* ? */ ? query.slice(1) : query;
  if (!q.includes('&')) return q;
  const pairs = q.split('&');
  // Insertion sort: stable (an element moves only past strictly greater keys), fast at query sizes.
  let n = 0;
  for (const pair of pairs) {
    if (pair === '') continue;
    let j = n - 1;
    while (j >= 0 && compareKeys(pairs[j]!, pair) > 0) {
      pairs[j + 1] = pairs[j]!;
      j--;
    }
    pairs[j + 1] = pair;
    n++;
  }
  if (n !== pairs.length) pairs.length = n;
  return pairs.join('&');
}

/** Body bytes without copying; a string is UTF-8 encoded. */
export function toBytes(body: BodyInput | undefined): Buffer {
  if (body === undefined) return Buffer.alloc(0);
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

/** Lowercase hex SHA-256 (a string is hashed as UTF-8). */
export function sha256Hex(bytes: Uint8Array | string): string {
  // The one-shot hash: about 4× cheaper than createHash for request-sized inputs.
  return hash('sha256', bytes, 'hex');
}

export interface CanonicalParts {
  method: string;
  path: string;
  query: string;
  body: Buffer;
  /** Decimal unix seconds, or '' for schemes without a timestamp. */
  timestamp: string;
}

/**
 * The bytes to sign, as the pieces they are made of: an HMAC takes them one by one, so verifying
 * never copies the body into a new buffer. `text` is set when the canonical string is known text.
 */
export interface Canonical {
  parts: readonly (string | Buffer)[];
  text?: string;
  sortedQuery?: string;
  bodySha256?: string;
}

/** The canonical bytes in one buffer (for Ed25519, and for display). */
export function canonicalBytes(c: Canonical): Buffer {
  if (c.parts.length === 1) {
    const only = c.parts[0]!;
    return typeof only === 'string' ? Buffer.from(only, 'utf8') : only;
  }
  return Buffer.concat(c.parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'utf8') : part)));
}

/** `METHOD \n PATH \n SORTED_QUERY \n SHA256_HEX(body) \n TIMESTAMP` (Starship request-headers page). */
export function fiveLine(p: CanonicalParts): Canonical {
  const sorted = sortedQuery(p.query);
  const digest = sha256Hex(p.body);
  const text = `${p.method}\n${p.path}\n${sorted}\n${digest}\n${p.timestamp}`;
  return { parts: [text], text, sortedQuery: sorted, bodySha256: digest };
}

/** `ts + METHOD + PATH + body`, no separators (Starship overview pseudo-code). */
export function concat(p: CanonicalParts): Canonical {
  return { parts: [p.timestamp + p.method + p.path, p.body] };
}

/** `ts + "." + body` (accord's webhook assumption). */
export function timestampDotBody(p: CanonicalParts): Canonical {
  return { parts: [`${p.timestamp}.`, p.body] };
}

/** The raw body alone (iStar webhooks). */
export function bodyOnly(p: CanonicalParts): Canonical {
  return { parts: [p.body] };
}

export const CANONICAL_BUILDERS: Record<CanonicalId, (p: CanonicalParts) => Canonical> = {
  'five-line': fiveLine,
  concat,
  'timestamp-dot-body': timestampDotBody,
  'body-only': bodyOnly,
};
