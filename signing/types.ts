import type { KeyObject } from 'node:crypto';

export type SchemeId =
  | 'starship-hmac-v1'
  | 'starship-hmac-concat'
  | 'starship-webhook'
  | 'istar-webhook'
  | 'sirgiving-hmac'
  | 'sirgiving-webhook'
  | 'odm-ed25519'
  | 'odm-callback';

export type ProviderId = 'starship' | 'istar' | 'sirgiving' | 'odm';

/** How the bytes to sign are assembled (see signing/canonical.ts and specs/CONVENTIONS.md). */
export type CanonicalId = 'five-line' | 'concat' | 'timestamp-dot-body' | 'body-only';

/** Request parts a scheme can bind into its signature. */
export type Bound = 'method' | 'path' | 'query' | 'body' | 'timestamp';

/**
 * Layout of the signature header:
 * - `t-v1`: `t=<ts>,v1=<sig>[,v1=<sig>…]` (the timestamp travels inside the header)
 * - `v1`:   `v1=<sig>[,v1=<sig>…]` (timestamp in its own header)
 * - `plain`: `<sig>` (timestamp, if any, in its own header)
 */
export type SignatureFormat = 't-v1' | 'v1' | 'plain';

/** One signing scheme, as data. The engine has no per-scheme code. */
export interface SchemeDeclaration {
  readonly id: SchemeId;
  readonly provider: ProviderId;
  readonly use: 'request' | 'webhook';
  readonly canonical: CanonicalId;
  readonly algorithm: 'hmac-sha256' | 'ed25519';
  /** `secret`: a shared HMAC secret; `private-key`: an Ed25519 private key (verify with the public key). */
  readonly key: 'secret' | 'private-key';
  readonly encoding: 'hex' | 'base64';
  readonly signatureHeader: string;
  readonly signatureFormat: SignatureFormat;
  /** A header carrying the timestamp on its own; with `t-v1` it must repeat the `t=` value. */
  readonly timestampHeader?: string;
  /** Identifies the credential (the verifier looks the key up by it): required on verify, not signed. */
  readonly identityHeader?: string;
  /** Emitted when the caller supplies them (event, delivery id); neither signed nor required. */
  readonly metadataHeaders?: readonly string[];
  /** Replay window in seconds, enforced in both directions; null: the scheme has no timestamp. */
  readonly windowSeconds: number | null;
  readonly binds: readonly Bound[];
  /** What the key is, in the provider's words. */
  readonly keyName: string;
  /** Where the scheme comes from: a docs page, or accord's assumption. */
  readonly source: string;
  /** What to check when a signature does not match: appended to signature_mismatch messages. */
  readonly mismatchHint: string;
}

/** Body bytes: a string is encoded as UTF-8. */
export type BodyInput = Uint8Array | ArrayBuffer | string;

/** An HMAC secret: a string is used as its UTF-8 bytes (SIR Giving's 64-hex secret as ASCII text). */
export type SecretInput = string | Uint8Array;

/** An Ed25519 key: PEM text (PKCS#8 private / SPKI public) or a node:crypto KeyObject. */
export type KeyInput = string | KeyObject;

export interface SignInput {
  /** HTTP method; uppercased. Default GET. Ignored by webhook schemes. */
  method?: string;
  /** URL path as sent, without the query. Required by request schemes. */
  path?: string;
  /** The query as on the wire, without `?` (`b=2&a=1`); values are never decoded. */
  query?: string;
  body?: BodyInput;
  /** Unix seconds; default: now. */
  timestamp?: number;
  /** HMAC schemes. */
  secret?: SecretInput;
  /** Ed25519 schemes. */
  privateKey?: KeyInput;
  /** Extra headers to send along (X-API-Key, X-Starship-Event…): copied to `headers` unchanged. */
  headers?: Record<string, string>;
}

/**
 * What `sign()` returns. `canonical` and `canonicalBytes` are getters, built on first read (a spread
 * copy leaves them out; JSON.stringify includes them via toJSON).
 */
export interface SignResult {
  readonly scheme: SchemeId;
  /** The signed bytes as UTF-8 text; undefined when they are not valid UTF-8 (a binary body). */
  readonly canonical: string | undefined;
  /** Exactly the bytes that were signed. */
  readonly canonicalBytes: Buffer;
  /** hex or base64, as the scheme encodes it. */
  signature: string;
  /** The caller's extra headers plus the signature (and timestamp) headers. */
  headers: Record<string, string>;
  intermediates: { sortedQuery?: string; bodySha256?: string };
  timestamp: number | undefined;
}

/** Headers as a Fetch `Headers`, or a plain object with any casing (node's IncomingHttpHeaders fits). */
export type HeadersInput = Headers | Record<string, string | readonly string[] | undefined>;

export interface VerifyInput {
  method?: string;
  path?: string;
  query?: string;
  headers: HeadersInput;
  body?: BodyInput;
  /** Verifier clock, unix seconds; default: now. */
  now?: number;
  /** HMAC schemes: one secret, or several during a rotation (any may match). */
  secret?: SecretInput | readonly SecretInput[];
  /** Ed25519 schemes: one public key, or several during a rotation. */
  publicKey?: KeyInput | readonly KeyInput[];
  /** Either kind, for callers that keep a scheme-agnostic key list. */
  keys?: readonly (SecretInput | KeyInput)[];
  /** Override the scheme's window (seconds). */
  toleranceSeconds?: number;
}

export interface VerifyResult {
  scheme: SchemeId;
  timestamp: number | undefined;
  /** now − timestamp in seconds (positive: the signature is older than the verifier's clock). */
  skewSeconds: number | undefined;
  /** Which of the configured keys matched, and which presented signature. */
  keyIndex: number;
  signatureIndex: number;
}
