import { MAX_SIGNATURES_PER_HEADER } from './constants.ts';
import { SignatureVerificationError } from './errors.ts';
import type { HeadersInput, SchemeDeclaration } from './types.ts';

const BASE64_SIGNATURE = /^[A-Za-z0-9+/]{86}==$/;

/** Case-insensitive header lookup; repeated headers (arrays) are joined with `,` as HTTP does. */
export function getHeader(headers: HeadersInput, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function' && typeof (headers as Headers).has === 'function') {
    return (headers as Headers).get(name) ?? undefined;
  }
  const record = headers as Record<string, string | readonly string[] | undefined>;
  let value = record[name] ?? record[name.toLowerCase()];
  if (value === undefined) {
    const lower = name.toLowerCase();
    for (const key of Object.keys(record)) {
      if (key.toLowerCase() === lower) {
        value = record[key];
        break;
      }
    }
  }
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : value.join(',');
}

function malformed(scheme: SchemeDeclaration, header: string, what: string): SignatureVerificationError {
  return new SignatureVerificationError('malformed_header', `${header} is malformed: ${what} (scheme ${scheme.id}, expected ${expectedLayout(scheme)})`, {
    scheme: scheme.id,
    header,
  });
}

/** The header layout, for messages. */
export function expectedLayout(scheme: SchemeDeclaration): string {
  const sig = scheme.encoding === 'hex' ? '<64 hex>' : '<base64 of 64 bytes>';
  const value = scheme.signatureFormat === 't-v1' ? `t=<unix seconds>,v1=${sig}` : scheme.signatureFormat === 'v1' ? `v1=${sig}` : sig;
  const ts = scheme.timestampHeader ? ` and ${scheme.timestampHeader}: <unix seconds>` : '';
  return `${scheme.signatureHeader}: ${value}${ts}`;
}

/** A present, non-empty header value, or `missing_header`. */
export function requireHeader(scheme: SchemeDeclaration, headers: HeadersInput, name: string): string {
  const value = getHeader(headers, name)?.trim();
  if (!value) {
    throw new SignatureVerificationError('missing_header', `missing or empty ${name} header: scheme ${scheme.id} expects ${expectedLayout(scheme)}${scheme.identityHeader ? ` and ${scheme.identityHeader}` : ''}`, {
      scheme: scheme.id,
      header: name,
    });
  }
  return value;
}

/** Parses a decimal unix-seconds timestamp; `malformed_header` otherwise. */
export function parseTimestamp(scheme: SchemeDeclaration, header: string, value: string): number {
  if (!isUnixSeconds(value)) throw malformed(scheme, header, 'the timestamp is not an integer number of unix seconds');
  return Number(value);
}

/** Decimal digits, no sign, no leading zero, at most 15 digits (a loop: cheaper than a regex here). */
function isUnixSeconds(value: string): boolean {
  const n = value.length;
  if (n === 0 || n > 15 || (n > 1 && value.charCodeAt(0) === 48)) return false;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function decodeSignature(scheme: SchemeDeclaration, header: string, value: string): Buffer {
  if (scheme.encoding === 'hex') {
    // Buffer.from stops at the first non-hex pair, so 32 bytes from 64 characters means all were hex.
    const bytes = value.length === 64 ? Buffer.from(value, 'hex') : undefined;
    if (bytes?.length !== 32) throw malformed(scheme, header, 'a signature is not 64 hex characters');
    return bytes;
  }
  if (!BASE64_SIGNATURE.test(value)) throw malformed(scheme, header, 'a signature is not standard padded base64 of 64 bytes');
  return Buffer.from(value, 'base64');
}

export interface ParsedSignatureHeader {
  /** The `t=` value, for the `t-v1` layout. */
  timestamp?: string;
  signatures: Buffer[];
}

/** Splits the signature header per the scheme's layout; unknown `key=` entries (v0, v2…) are ignored. */
export function parseSignatureHeader(scheme: SchemeDeclaration, value: string): ParsedSignatureHeader {
  const header = scheme.signatureHeader;
  if (scheme.signatureFormat === 'plain') return { signatures: [decodeSignature(scheme, header, value)] };
  let timestamp: string | undefined;
  const signatures: Buffer[] = [];
  // Walks the entries in place (no split/trim copies): this runs on every request.
  for (let start = 0; start <= value.length; ) {
    let end = value.indexOf(',', start);
    if (end === -1) end = value.length;
    let from = start;
    let to = end;
    while (from < to && value.charCodeAt(from) === 32) from++;
    while (to > from && value.charCodeAt(to - 1) === 32) to--;
    const eq = value.indexOf('=', from);
    if (eq <= from || eq >= to) throw malformed(scheme, header, 'an entry is not key=value');
    if (eq - from === 2 && value.startsWith('v1', from)) {
      if (signatures.length === MAX_SIGNATURES_PER_HEADER) throw malformed(scheme, header, `more than ${MAX_SIGNATURES_PER_HEADER} v1 signatures`);
      signatures.push(decodeSignature(scheme, header, value.slice(eq + 1, to)));
    } else if (eq - from === 1 && value.charCodeAt(from) === 116 /* t */ && scheme.signatureFormat === 't-v1') {
      if (timestamp !== undefined) throw malformed(scheme, header, 't= appears more than once');
      timestamp = value.slice(eq + 1, to);
    }
    start = end + 1;
  }
  if (scheme.signatureFormat === 't-v1' && timestamp === undefined) throw malformed(scheme, header, 'no t= timestamp');
  if (signatures.length === 0) throw malformed(scheme, header, 'no v1= signature');
  return timestamp === undefined ? { signatures } : { timestamp, signatures };
}

/** The headers a signer sends: signature header (and timestamp header) per the scheme's layout. */
export function signatureHeaders(scheme: SchemeDeclaration, timestamp: string, signature: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (scheme.timestampHeader) out[scheme.timestampHeader] = timestamp;
  out[scheme.signatureHeader] =
    scheme.signatureFormat === 't-v1' ? `t=${timestamp},v1=${signature}` : scheme.signatureFormat === 'v1' ? `v1=${signature}` : signature;
  return out;
}

/** The webhook metadata headers a scheme sends beside the signature (X-…-Event, X-…-Delivery). */
export function webhookMetadataHeaders(scheme: SchemeDeclaration): { event: string | undefined; delivery: string | undefined } {
  const named = (suffix: RegExp) => scheme.metadataHeaders?.find((h) => suffix.test(h));
  return { event: named(/event$/i), delivery: named(/delivery$/i) };
}
