import { sortedQuery } from '../canonical.ts';
import type { SignatureErrorCode } from '../errors.ts';
import type { SchemeDeclaration, SignResult } from '../types.ts';
import { BINARY_BODY, FIXTURES, T, UNICODE_BODY } from './fixtures.ts';

// The declared vector cases. Each case says what is signed, what the verifier is shown, and (for a
// negative) the error it must produce; generate.ts computes every signature and checks that the
// engine agrees with the declared outcome before writing anything.

export type KeyName = 'primary' | 'previous' | 'wrong';

export interface Req {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  body: Buffer;
}

export interface Tools {
  /** Signs a request at `timestamp` with a key of the scheme's test keyring. */
  sign(req: Req, timestamp: number, key?: KeyName): SignResult;
  /** Signs raw canonical bytes (for signers that got the canonical string wrong). */
  signBytes(bytes: Buffer, key?: KeyName): string;
  /** The signature headers carrying `signature` at `timestamp`. */
  header(signature: string, timestamp: number): Record<string, string>;
}

type PresentHeaders = (emitted: Record<string, string>, tools: Tools) => Record<string, string>;

export interface PositiveCase {
  id: string;
  description: string;
  request: Req;
  timestamp: number;
  signWith?: KeyName;
  verifyAt?: number;
  verifyWith?: KeyName[];
  /** The request as the verifier sees it, where an unbound part differs from what was signed. */
  presented?: Partial<Pick<Req, 'method' | 'path' | 'query'>>;
  presentHeaders?: PresentHeaders;
}

export interface NegativeCase {
  id: string;
  description: string;
  request: Req;
  timestamp: number;
  signWith?: KeyName;
  /** Tampered parts of the request the verifier sees. */
  presented?: Partial<Req>;
  presentHeaders?: PresentHeaders;
  verifyAt?: number;
  verifyWith?: KeyName[];
  expected: SignatureErrorCode;
}

const utf8 = (s: string) => Buffer.from(s, 'utf8');

/** Replaces one header (by exact name) in a copy. */
function set(headers: Record<string, string>, name: string, value: string): Record<string, string> {
  return { ...headers, [name]: value };
}

function without(headers: Record<string, string>, name: string): Record<string, string> {
  const { [name]: _dropped, ...rest } = headers;
  return rest;
}

/** The same JSON with different whitespace: what a framework that re-serializes the body produces. */
function reserialized(json: string): Buffer {
  return utf8(JSON.stringify(JSON.parse(json), null, 2));
}

/** One byte changed in the middle of the body. */
function flipOneByte(body: Buffer): Buffer {
  const copy = Buffer.from(body);
  const i = Math.floor(copy.length / 2);
  copy[i] = copy[i]! ^ 0x01;
  return copy;
}

export function casesFor(scheme: SchemeDeclaration): { positive: PositiveCase[]; negative: NegativeCase[] } {
  const fx = FIXTURES[scheme.id];
  const binds = (part: string) => (scheme.binds as readonly string[]).includes(part);
  const timed = scheme.windowSeconds !== null;
  const isRequest = scheme.use === 'request';
  const listFormat = scheme.signatureFormat !== 'plain';
  const hex = scheme.encoding === 'hex';
  const sigHeader = scheme.signatureHeader;
  const tsHeader = scheme.timestampHeader;
  const keyWord = scheme.key === 'secret' ? 'secret' : 'public key';

  const req = (over: Partial<Req> = {}): Req => ({
    method: 'POST',
    path: fx.postPath,
    query: '',
    headers: { ...fx.headers },
    body: utf8(fx.body),
    ...over,
  });
  const get = (over: Partial<Req> = {}) => req({ method: 'GET', path: fx.getPath, body: Buffer.alloc(0), ...over });
  const pos: PositiveCase[] = [];
  const neg: NegativeCase[] = [];

  // ---- positives -------------------------------------------------------------------------------
  if (isRequest) {
    const fiveLine = scheme.canonical === 'five-line';
    pos.push({
      id: 'get-no-query',
      description: fiveLine ? 'GET without query or body: empty SORTED_QUERY line, body digest of the empty string.' : 'GET without query or body.',
      request: get(),
      timestamp: T,
    });
    if (binds('query')) {
      pos.push(
        { id: 'get-docs-query', description: 'The Starship request-headers example query `category_id=1&per_page=50` (already sorted).', request: get({ query: 'category_id=1&per_page=50' }), timestamp: T },
        { id: 'get-unsorted-query', description: 'Unsorted query keys on the wire; SORTED_QUERY sorts them by key.', request: get({ query: 'per_page=50&category_id=1&page=2' }), timestamp: T },
        {
          id: 'get-repeated-keys',
          description: 'Repeated keys keep their relative order within the key group (stable sort).',
          request: get({ query: 'tag=gift&limit=10&tag=amazon&tag=card' }),
          timestamp: T,
        },
        {
          id: 'get-percent-encoded-query',
          description: 'Percent-encoded values and `+` are kept exactly as on the wire, never decoded.',
          request: get({ query: 'q=gift%20card&name=caf%C3%A9&plus=a+b&ref=a%2Fb%3Dc' }),
          timestamp: T,
        },
        {
          id: 'get-empty-values',
          description: 'An empty value (`status=`) and a key without `=` (`flag`) keep their form; empty pairs (`&&`) are dropped.',
          request: get({ query: 'status=&page=1&&flag' }),
          timestamp: T,
        },
      );
    } else {
      pos.push({
        id: 'query-not-bound',
        description: `${scheme.id} does not bind the query (the canonical string has no query): a request signed without one verifies with any query, here unsorted, repeated and percent-encoded keys.`,
        request: get(),
        timestamp: T,
        presented: { query: 'per_page=500&tag=b&category_id=9&tag=a&q=gift%20card' },
      });
    }
    pos.push(
      { id: 'get-trailing-slash', description: 'A trailing-slash path is signed as sent (it is a different path).', request: get({ path: `${fx.getPath}/` }), timestamp: T },
      { id: 'get-encoded-path', description: 'A percent-encoded path segment is signed as sent, not decoded.', request: get({ path: fx.encodedPath }), timestamp: T },
      { id: 'post-json', description: 'POST with a JSON body: the raw bytes are signed.', request: req(), timestamp: T },
      { id: 'post-empty-body', description: 'POST without a body: the empty body is signed.', request: req({ path: fx.emptyPostPath, body: Buffer.alloc(0) }), timestamp: T },
      { id: 'lowercase-method', description: 'A lowercase method in the input is uppercased in the canonical string.', request: req({ method: 'post' }), timestamp: T },
    );
  } else {
    pos.push(
      { id: 'event-payload', description: 'A documented event payload, signed as raw bytes.', request: req(), timestamp: T },
      { id: 'event-payload-2', description: 'Another event payload.', request: req({ body: utf8(fx.body2) }), timestamp: T },
      { id: 'pretty-json', description: 'Whitespace is part of the signed bytes: a pretty-printed body signs as sent.', request: req({ body: reserialized(fx.body) }), timestamp: T },
      { id: 'trailing-newline', description: 'A trailing newline is part of the body.', request: req({ body: utf8(`${fx.body}\n`) }), timestamp: T },
      { id: 'crlf-body', description: 'CRLF line endings are signed as sent.', request: req({ body: utf8('{\r\n"ok":true\r\n}\r\n') }), timestamp: T },
      {
        id: 'path-and-query-not-bound',
        description: `${scheme.id} binds only ${scheme.binds.join(' and ')}: the receiver's path and query do not matter.`,
        request: req(),
        timestamp: T,
        presented: { path: fx.encodedPath, query: 'source=starship&retry=1' },
      },
    );
  }
  pos.push(
    { id: 'empty-body', description: scheme.canonical === 'five-line' ? 'Empty body (SHA-256 of nothing is e3b0c442…b855).' : 'Empty body.', request: req({ body: Buffer.alloc(0) }), timestamp: T },
    { id: 'unicode-body', description: 'Unicode body: signed as its UTF-8 bytes.', request: req({ body: utf8(UNICODE_BODY) }), timestamp: T },
    { id: 'binary-body', description: 'Binary body (all 256 byte values, not UTF-8): carried as body_base64.', request: req({ body: BINARY_BODY }), timestamp: T },
    {
      id: 'rotation-previous-key',
      description: `Key rotation: signed with the previous ${keyWord}, verified against [primary, previous].`,
      request: req(),
      timestamp: T,
      signWith: 'previous',
      verifyWith: ['primary', 'previous'],
    },
  );
  if (timed) {
    pos.push(
      { id: 'window-plus-300', description: "The verifier's clock is exactly 300 s after the timestamp: accepted (the window is inclusive).", request: req(), timestamp: T, verifyAt: T + 300 },
      { id: 'window-minus-300', description: "The verifier's clock is exactly 300 s before the timestamp (signer clock ahead): accepted.", request: req(), timestamp: T, verifyAt: T - 300 },
    );
  } else {
    pos.push({
      id: 'no-replay-window',
      description: `${scheme.id} has no timestamp: a day-old delivery still verifies (no replay protection, a documented limitation).`,
      request: req(),
      timestamp: T,
      verifyAt: T + 86_400,
    });
  }
  if (listFormat) {
    pos.push({
      id: 'two-v1-entries',
      description: `${sigHeader} carries two v1= entries (a stale one first, as during a rotation): any match is accepted.`,
      request: req(),
      timestamp: T,
      presentHeaders: (h, tools) => {
        const stale = tools.sign(req(), T, 'previous').signature;
        return set(h, sigHeader, h[sigHeader]!.replace('v1=', `v1=${stale},v1=`));
      },
    });
  }
  if (hex) {
    pos.push({
      id: 'uppercase-hex-accepted',
      description: 'The verifier decodes hex case-insensitively: an uppercase signature is the same bytes (signers must still emit lowercase).',
      request: req(),
      timestamp: T,
      presentHeaders: (h, tools) => ({ ...h, ...tools.header(tools.sign(req(), T).signature.toUpperCase(), T) }),
    });
  }

  // ---- negatives -------------------------------------------------------------------------------
  if (timed) {
    neg.push(
      { id: 'window-plus-301', description: "The verifier's clock is 301 s after the timestamp: rejected.", request: req(), timestamp: T, verifyAt: T + 301, expected: 'timestamp_out_of_window' },
      { id: 'window-minus-301', description: "The verifier's clock is 301 s before the timestamp (signer clock ahead): rejected.", request: req(), timestamp: T, verifyAt: T - 301, expected: 'timestamp_out_of_window' },
      {
        id: 'timestamp-in-milliseconds',
        description: 'The signer sent milliseconds instead of unix seconds: far outside the window.',
        request: req(),
        timestamp: T * 1000,
        verifyAt: T,
        expected: 'timestamp_out_of_window',
      },
      {
        id: 'tampered-timestamp',
        description: 'The presented timestamp is 1 s later than the signed one (still in the window): the signature no longer matches.',
        request: req(),
        timestamp: T,
        presentHeaders: (h, tools) => {
          const sig = tools.sign(req(), T).signature;
          return { ...h, ...tools.header(sig, T + 1) };
        },
        expected: 'signature_mismatch',
      },
      {
        id: 'malformed-timestamp',
        description: 'The timestamp is an ISO date, not unix seconds.',
        request: req(),
        timestamp: T,
        presentHeaders: (h) =>
          scheme.signatureFormat === 't-v1' ? set(h, sigHeader, h[sigHeader]!.replace(`t=${T}`, 't=2025-04-14T16:00:00Z')) : set(h, tsHeader!, '2025-04-14T16:00:00Z'),
        expected: 'malformed_header',
      },
    );
    if (tsHeader) {
      neg.push({ id: 'missing-timestamp-header', description: `${tsHeader} is absent.`, request: req(), timestamp: T, presentHeaders: (h) => without(h, tsHeader), expected: 'missing_header' });
    }
    if (tsHeader && scheme.signatureFormat === 't-v1') {
      neg.push({
        id: 'timestamp-headers-disagree',
        description: `${tsHeader} differs from the t= value of ${sigHeader}.`,
        request: req(),
        timestamp: T,
        presentHeaders: (h) => set(h, tsHeader, String(T + 5)),
        expected: 'malformed_header',
      });
    }
  }
  neg.push(
    { id: 'tampered-body', description: 'One byte of the body changed after signing.', request: req(), timestamp: T, presented: { body: flipOneByte(utf8(fx.body)) }, expected: 'signature_mismatch' },
    {
      id: 'reserialized-body',
      description: 'The verifier re-serialized the JSON (different whitespace) instead of using the raw body.',
      request: req(),
      timestamp: T,
      presented: { body: reserialized(fx.body) },
      expected: 'signature_mismatch',
    },
    {
      id: 'truncated-body',
      description: 'The body was cut short (the verifier read only part of it).',
      request: req(),
      timestamp: T,
      presented: { body: utf8(fx.body).subarray(0, 10) },
      expected: 'signature_mismatch',
    },
    {
      id: 'signature-for-other-body',
      description: 'The signature of an empty body presented with a payload (a signature copied from another delivery).',
      request: req({ body: Buffer.alloc(0) }),
      timestamp: T,
      presented: { body: utf8(fx.body) },
      expected: 'signature_mismatch',
    },
    { id: `wrong-${scheme.key === 'secret' ? 'secret' : 'key'}`, description: `Verified with another ${keyWord}.`, request: req(), timestamp: T, verifyWith: ['wrong'], expected: 'signature_mismatch' },
    { id: 'missing-signature-header', description: `${sigHeader} is absent.`, request: req(), timestamp: T, presentHeaders: (h) => without(h, sigHeader), expected: 'missing_header' },
    { id: 'empty-signature-header', description: `${sigHeader} is present but empty (treated as missing).`, request: req(), timestamp: T, presentHeaders: (h) => set(h, sigHeader, ''), expected: 'missing_header' },
    {
      id: 'malformed-signature',
      description: hex ? 'The signature is not 64 hex characters (one character short).' : 'The signature is not padded base64 of 64 bytes (url-safe alphabet).',
      request: req(),
      timestamp: T,
      presentHeaders: (h, tools) => {
        const sig = tools.sign(req(), T).signature;
        return { ...h, ...tools.header(hex ? sig.slice(1) : sig.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''), T) };
      },
      expected: 'malformed_header',
    },
  );
  if (hex && scheme.signatureFormat === 'plain') {
    neg.push({
      id: 'prefixed-signature',
      description: `A \`sha256=\` prefix (another provider's convention) is not part of ${sigHeader}.`,
      request: req(),
      timestamp: T,
      presentHeaders: (h) => set(h, sigHeader, `sha256=${h[sigHeader]}`),
      expected: 'malformed_header',
    });
  }
  if (listFormat) {
    neg.push({
      id: 'no-v1-entry',
      description: `${sigHeader} has no v1= entry (only an unknown v0=).`,
      request: req(),
      timestamp: T,
      presentHeaders: (h) => set(h, sigHeader, h[sigHeader]!.replace('v1=', 'v0=')),
      expected: 'malformed_header',
    });
  }
  if (scheme.identityHeader) {
    const id = scheme.identityHeader;
    neg.push({ id: 'missing-identity-header', description: `${id} (which selects the key) is absent.`, request: req(), timestamp: T, presentHeaders: (h) => without(h, id), expected: 'missing_header' });
  }
  if (binds('path')) {
    neg.push({
      id: 'tampered-path',
      description: 'Signed with a trailing-slash path, presented without it.',
      request: get({ path: `${fx.getPath}/` }),
      timestamp: T,
      presented: { path: fx.getPath },
      expected: 'signature_mismatch',
    });
  }
  if (binds('method')) {
    neg.push({ id: 'tampered-method', description: 'Signed as POST, presented as PUT.', request: req(), timestamp: T, presented: { method: 'PUT' }, expected: 'signature_mismatch' });
  }
  if (binds('query')) {
    const query = 'per_page=50&category_id=1';
    neg.push(
      {
        id: 'tampered-query',
        description: 'A query value changed after signing (per_page=50 → 500).',
        request: get({ query }),
        timestamp: T,
        presented: { query: 'per_page=500&category_id=1' },
        expected: 'signature_mismatch',
      },
      {
        id: 'query-signed-unsorted',
        description: 'The signer put the query in wire order instead of sorting it by key (the documented footgun).',
        request: get({ query }),
        timestamp: T,
        presentHeaders: (h, tools) => {
          const text = `GET\n${fx.getPath}\n${query}\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n${T}`;
          return { ...h, ...tools.header(tools.signBytes(utf8(text)), T) };
        },
        expected: 'signature_mismatch',
      },
      {
        id: 'query-signed-decoded',
        description: 'The signer percent-decoded the query values; the verifier signs them as on the wire.',
        request: get({ query: 'q=gift%20card' }),
        timestamp: T,
        presentHeaders: (h, tools) => {
          const text = `GET\n${fx.getPath}\n${sortedQuery('q=gift card')}\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n${T}`;
          return { ...h, ...tools.header(tools.signBytes(utf8(text)), T) };
        },
        expected: 'signature_mismatch',
      },
    );
  }
  return { positive: pos, negative: neg };
}
