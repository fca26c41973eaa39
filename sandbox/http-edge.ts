/**
 * The sandbox's HTTP edge: what happens before a request reaches the router, answered in the
 * provider's envelope like everything else (Node's own answers have an empty body).
 *
 * - Requests Node's parser refuses (CR/LF/NUL in a header value, conflicting Content-Length and
 *   Transfer-Encoding, headers or a request line over the size limit, bytes HTTP does not allow)
 *   reach the server's `clientError` handler: 400, 414 (request line too long) or 431 (headers too
 *   large), then the connection is closed cleanly — our side half-closes and reads on, so a client
 *   still sending a 1 MiB request line reads the answer instead of a reset.
 * - Requests the parser accepts but the sandbox will not route: no Host header, a backslash or a
 *   byte above 0x7F in the path, dot segments (`..`, `%2e%2e`) that the URL parser would resolve —
 *   a path under the provider's base path must never normalise into /_accord or anywhere else.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { ProviderHttp } from '../runtime/server/errors.ts';

/** A refusal before routing. */
export interface EdgeRefusal {
  status: number;
  message: string;
}

/** How long a refused connection is read (and discarded) after the answer before it is dropped. */
const LINGER_MS = 2_000;
/** A parser overflow whose request line is not complete within this many bytes is a long request line (414). */
const LONG_REQUEST_LINE = 8 * 1024;

const HOST = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~%!$&'()*+,;=-]+)(:\d{1,5})?$/;

/** Why a parsed request may not be routed, or null. */
export function refuseBeforeRouting(req: Pick<IncomingMessage, 'url' | 'headers'>): EdgeRefusal | null {
  const host = req.headers.host;
  if (host === undefined || host === '') return { status: 400, message: 'The Host header is required (HTTP/1.1); send the host and port you connect to.' };
  if (!HOST.test(host)) return { status: 400, message: 'The Host header is not a valid host[:port]; send the host and port you connect to.' };
  const target = req.url ?? '';
  // Absolute form (a proxy's): only the path and query count.
  const originForm = /^https?:\/\//i.test(target) ? target.replace(/^https?:\/\/[^/?#]*/i, '') || '/' : target;
  if (!originForm.startsWith('/')) return { status: 400, message: 'The request target must be a path starting with "/".' };
  const queryAt = originForm.indexOf('?');
  const path = queryAt < 0 ? originForm : originForm.slice(0, queryAt);
  if (/[^\x21-\x7E]/.test(originForm)) return { status: 400, message: 'The request target has a byte HTTP does not allow there (a space, a control character or a byte above 0x7F); percent-encode it.' };
  if (path.includes('\\')) return { status: 400, message: 'The path has a backslash; use "/" between segments (percent-encode a literal backslash as %5C).' };
  if (path.includes('.') || path.includes('%')) for (const segment of path.split('/')) {
    const decoded = segment.replace(/%2e/gi, '.');
    if (decoded === '.' || decoded === '..') return { status: 400, message: 'The path has a "." or ".." segment (perhaps percent-encoded); send the path without dot segments.' };
  }
  return null;
}

/** The provider's error body as a complete HTTP/1.1 answer that closes the connection. */
export function envelopeBytes(provider: ProviderHttp, status: number, message: string): Buffer {
  const requestId = provider.requestId.generate();
  const code = status === 413 ? provider.errors.codes.payloadTooLarge : provider.errors.codes.validation;
  const body = JSON.stringify(provider.errors.body({ status, code, message, requestId }));
  const head = [
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? 'Error'}`,
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    `X-Request-Id: ${requestId}`,
    'Connection: close',
  ];
  return Buffer.from(`${head.join('\r\n')}\r\n\r\n${body}`);
}

/** Writes the answer, half-closes, and reads on (discarding) until the client closes or LINGER_MS passes. */
function answerAndClose(socket: Socket, bytes: Buffer): void {
  if (socket.destroyed) return;
  // The HTTP parser stops here: what the client still sends is read and dropped, not parsed.
  socket.removeAllListeners('data');
  socket.on('data', () => undefined);
  socket.on('error', () => undefined);
  const linger = setTimeout(() => socket.destroy(), LINGER_MS);
  linger.unref();
  socket.once('close', () => clearTimeout(linger));
  if (socket.writable) socket.end(bytes);
  socket.resume();
}

const parserRefusal = (err: Error & { code?: string; rawPacket?: Buffer }): EdgeRefusal => {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW': {
      const lineEnd = err.rawPacket ? err.rawPacket.indexOf('\r\n') : -1;
      return lineEnd < 0 || lineEnd > LONG_REQUEST_LINE
        ? { status: 414, message: 'The request line (method, path and query) is too long; send long data in a JSON body.' }
        : { status: 431, message: `The request headers are too large (more than ${http.maxHeaderSize} bytes in all); send fewer or shorter headers.` };
    }
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
    case 'HPE_INVALID_TRANSFER_ENCODING':
      return { status: 400, message: 'The request has both Content-Length and Transfer-Encoding, two Content-Lengths, or a Transfer-Encoding other than chunked; send one framing.' };
    case 'HPE_INVALID_HEADER_TOKEN':
    case 'HPE_LF_EXPECTED':
    case 'HPE_CR_EXPECTED':
      return { status: 400, message: 'A header name or value has a character HTTP does not allow (CR, LF, NUL or another control character); remove it.' };
    case 'HPE_INVALID_URL':
      return { status: 400, message: 'The request target has a byte HTTP does not allow there (a space, a control character or a byte above 0x7F); percent-encode it.' };
    case 'HPE_INVALID_CHUNK_SIZE':
      return { status: 400, message: 'The chunked body is malformed; check the Transfer-Encoding framing.' };
    default:
      return { status: 400, message: `The request is not valid HTTP/1.1 (${err.code ?? 'unparseable'}); check the request line and headers.` };
  }
};

/** The server's clientError handler: the provider's envelope instead of Node's empty 400/431. */
export function clientErrorHandler(provider: ProviderHttp): (err: Error, socket: Socket) => void {
  return (err, socket) => {
    const code = (err as { code?: string }).code;
    if (code === 'ECONNRESET' || code === 'EPIPE' || !socket.writable) {
      socket.destroy();
      return;
    }
    // A connection idle or slow past the server's timeouts is just closed (Node would answer 408).
    if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      answerAndClose(socket, envelopeBytes(provider, 408, 'The request took too long to arrive; send it again.'));
      return;
    }
    const refusal = parserRefusal(err);
    answerAndClose(socket, envelopeBytes(provider, refusal.status, refusal.message));
  };
}

/** Wraps the adapter's request listener: refuses what must not be routed, in the envelope. */
export function edgeListener(provider: ProviderHttp, next: (req: IncomingMessage, res: ServerResponse) => unknown): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const refusal = refuseBeforeRouting(req);
    if (!refusal) {
      void next(req, res);
      return;
    }
    const requestId = provider.requestId.generate();
    const body = JSON.stringify(provider.errors.body({ status: refusal.status, code: provider.errors.codes.validation, message: refusal.message, requestId }));
    res.writeHead(refusal.status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), 'X-Request-Id': requestId, Connection: 'close' });
    res.end(body);
    // Whatever body came with it is drained by Node (the answer closes the connection).
  };
}

/** The error handler the adapter calls when it cannot build a Request (or the app throws): the envelope, 400 or 500. */
export function adapterErrorHandler(provider: ProviderHttp): (err: unknown) => Response {
  return (err) => {
    const requestError = err instanceof Error && err.name === 'RequestError';
    const status = requestError ? 400 : 500;
    const requestId = provider.requestId.generate();
    const message = requestError ? `The request could not be read (${(err as Error).message}); check the request line and the Host header.` : 'Internal error; the request id identifies it in the server log.';
    const code = requestError ? provider.errors.codes.validation : provider.errors.codes.internal;
    return new Response(JSON.stringify(provider.errors.body({ status, code, message, requestId })), { status, headers: { 'Content-Type': 'application/json', 'X-Request-Id': requestId } });
  };
}
