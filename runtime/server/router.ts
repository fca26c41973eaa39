/**
 * The stub router: one Hono app per provider, routes from the contract, request validation
 * compiled once from the spec with ajv, errors in the provider's envelope, optional response
 * validation for development. Generated `server.ts` files call createRouter with typed handlers.
 *
 * Hono is the HTTP framework: Web-standard Request/Response (so the exact raw body bytes are at
 * hand for signature checks), a fast trie router, first-class TypeScript, and a Node adapter.
 */
import { Hono, type Context } from 'hono';
import type { Contract, ContractOperation } from '../contract.ts';
import { documentedStatus, ProviderError, type ProviderHttp } from './errors.ts';
import { compileValidators, formatAjvErrors, responseValidator, type OperationValidators } from './validation.ts';

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
export const REQUEST_ID_HEADER = 'X-Request-Id';
const EMPTY_BODY = new Uint8Array(0);

/** What a handler returns, untyped (the generated stubs type it per operation). */
export interface HandlerResult {
  status: number;
  body?: unknown;
  /** The body already serialized: sent byte for byte (an idempotent replay). Wins over `body`. */
  raw?: string;
  headers?: Record<string, string>;
}

/** One call as guards and middleware see it. */
export interface OperationCall {
  c: Context;
  operation: ContractOperation;
  rawBody: Uint8Array;
  /** The request URL's path and query (without `?`), exactly as `new URL(url)` would give them. */
  target: RequestTarget;
  requestId: string;
  /** Headers added to whatever response this call gets, errors included (rate-limit headers). */
  responseHeaders: Record<string, string>;
  /** Per-call values guards hand to handlers (the authenticated principal). */
  state: Record<string, unknown>;
  /** Parsed and validated input; set once validation has passed. */
  input?: { params: Record<string, unknown>; query: Record<string, unknown>; headers: Record<string, unknown>; body: unknown };
}

/** Runs before validation (auth, signatures, rate limits); returns a result to answer early. */
export type Guard = (call: OperationCall) => Promise<HandlerResult | undefined> | HandlerResult | undefined;
/** Wraps the handler after validation (idempotency); call `next()` to run it. */
export type Middleware = (call: OperationCall, next: () => Promise<HandlerResult>) => Promise<HandlerResult>;
export type AnyHandler = (request: any, c: Context) => HandlerResult | Promise<HandlerResult>;

export interface RouterOptions {
  contract: Contract;
  /** The bundled spec the contract came from (generated/<provider>/openapi.json). */
  spec: unknown;
  /** The provider's error envelope and request-id format (providers/<id>/http.ts). */
  http: ProviderHttp;
  handlers: Partial<Record<string, AnyHandler>>;
  /** Path prefix the routes live under (the server URL's path, e.g. `/api/v1`). */
  basePath?: string;
  guards?: Guard[];
  middleware?: Middleware[];
  /** Validate every response against the spec (development); violations go to onResponseViolation. */
  validateResponses?: boolean;
  /** Default: answer 500 in the provider's envelope, naming the violation. */
  onResponseViolation?: (violation: ResponseViolation) => void;
  maxBodyBytes?: number;
}

export interface ResponseViolation {
  operationId: string;
  status: number;
  problems: string[];
}

/** Thrown by the default onResponseViolation; the router answers it as a 500 in the envelope. */
export class ResponseViolationError extends Error {
  constructor(readonly violation: ResponseViolation) {
    super(`${violation.operationId} answered ${violation.status} with a body that does not match the spec: ${violation.problems.join('; ')}`);
    this.name = 'ResponseViolationError';
  }
}

export interface RequestTarget {
  path: string;
  query: string;
}

/**
 * Path and query of a request URL. `Request.url` is already a serialized URL, which parses back
 * to itself, so slicing it gives what `new URL(url)` would, without building a URL per request.
 */
export function requestTarget(url: string): RequestTarget {
  const scheme = url.indexOf('://');
  const slash = scheme < 0 ? -1 : url.indexOf('/', scheme + 3);
  if (slash < 0) {
    const u = new URL(url);
    return { path: u.pathname, query: u.search.slice(1) };
  }
  const hash = url.indexOf('#', slash);
  const end = hash < 0 ? url.length : hash;
  const q = url.indexOf('?', slash);
  return q < 0 || q > end ? { path: url.slice(slash, end), query: '' } : { path: url.slice(slash, q), query: url.slice(q + 1, end) };
}

/**
 * A body without Content-Length (chunked), read up to `max` bytes: null once it goes over, so a
 * client streaming 50 MB costs at most `max` bytes of memory (the rest is drained, not kept).
 */
async function readLimited(request: Request, max: number): Promise<Uint8Array | null> {
  const stream = request.body;
  if (!stream) return EMPTY_BODY;
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      void reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

/** JSON is UTF-8 (RFC 8259): a charset parameter, when given, must say so. */
function utf8Charset(contentType: string): boolean {
  const charset = /;\s*charset\s*=\s*"?([^";\s]*)"?/i.exec(contentType)?.[1];
  return charset === undefined || /^utf-?8$/i.test(charset);
}

const honoPath = (template: string) => template.replace(/\{([^}]+)\}/g, ':$1');

export function createRouter(options: RouterOptions): Hono {
  const { contract } = options;
  const { errors } = options.http;
  const requestIdOf = (c: Context) => {
    const given = c.req.header(REQUEST_ID_HEADER);
    const accepts = options.http.requestId.accepts ?? ((id: string) => id.length > 0 && id.length <= 200);
    return given && accepts(given) ? given : options.http.requestId.generate();
  };
  const validators = compileValidators(options.spec, contract);
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const app = new Hono({ strict: true });
  const base = (options.basePath ?? '').replace(/\/$/, '');
  const idempotencyPattern = contract.idempotency?.pattern ? new RegExp(contract.idempotency.pattern) : null;

  const respond = (c: Context, requestId: string, result: HandlerResult, extra: Record<string, string> = {}): Response => {
    // A plain record, not a Headers object: the Node adapter writes it out as it is. Later names
    // win over earlier ones spelled in another case (what Headers.set would do).
    const headers: Record<string, string> = {};
    const byLower = new Map<string, string>();
    const set = (name: string, value: string) => {
      const lower = name.toLowerCase();
      const previous = byLower.get(lower);
      if (previous !== undefined && previous !== name) delete headers[previous];
      byLower.set(lower, name);
      headers[name] = value;
    };
    for (const name in extra) set(name, extra[name]!);
    if (result.headers) for (const name in result.headers) set(name, result.headers[name]!);
    set(REQUEST_ID_HEADER, requestId);
    const text = result.raw ?? (result.body === undefined ? undefined : JSON.stringify(result.body));
    if (text === undefined) return new Response(null, { status: result.status, headers });
    set('Content-Type', 'application/json');
    return new Response(text, { status: result.status, headers });
  };
  const failure = (requestId: string, status: number, code: string, message: string, headers?: Record<string, string>): HandlerResult => ({
    status,
    body: errors.body({ status, code, message, requestId }),
    ...(headers ? { headers } : {}),
  });
  const fromError = (err: unknown, requestId: string): HandlerResult => {
    if (err instanceof ProviderError) return failure(requestId, err.status, err.code, err.message, err.options.headers);
    if (err instanceof ResponseViolationError) return failure(requestId, 500, errors.codes.internal, err.message);
    return failure(requestId, 500, errors.codes.internal, 'Internal error; the request id identifies it in the server log.');
  };

  for (const operation of contract.operations) {
    const v = validators.get(operation.operationId)!;
    app.on(operation.method.toUpperCase(), base + honoPath(operation.path), async (c) => {
      const requestId = requestIdOf(c);
      const responseHeaders: Record<string, string> = {};
      let result: HandlerResult;
      try {
        result = await handle(c, operation, v, requestId, responseHeaders);
      } catch (err) {
        result = fromError(err, requestId);
      }
      return respond(c, requestId, result, responseHeaders);
    });
  }

  async function handle(c: Context, operation: ContractOperation, v: OperationValidators, requestId: string, responseHeaders: Record<string, string>): Promise<HandlerResult> {
    // Over the limit: 413 whatever the framing (the limit is this server's, not an operation's).
    const tooLarge = () => failure(requestId, 413, errors.codes.payloadTooLarge, `Request body is larger than ${maxBody} bytes; send at most ${maxBody} bytes.`);
    const declared = c.req.header('content-length');
    if (declared && Number(declared) > maxBody) return tooLarge();
    // A GET or HEAD without Content-Length or Transfer-Encoding has no body: skip reading it (and
    // the full Request object the Node adapter would build just for that). A Fetch Request with
    // these methods cannot carry a body, so in-process calls are unaffected.
    const bodiless = (c.req.method === 'GET' || c.req.method === 'HEAD') && declared === undefined && c.req.header('transfer-encoding') === undefined;
    const rawBody = bodiless ? EMPTY_BODY : declared !== undefined ? new Uint8Array(await c.req.arrayBuffer()) : await readLimited(c.req.raw, maxBody);
    if (rawBody === null || rawBody.byteLength > maxBody) return tooLarge();
    const call: OperationCall = { c, operation, rawBody, target: requestTarget(c.req.url), requestId, responseHeaders, state: {} };
    for (const guard of options.guards ?? []) {
      try {
        const early = await guard(call);
        if (early) return early;
      } catch (err) {
        return fromError(err, requestId);
      }
    }

    const problems: string[] = [];
    const params: Record<string, unknown> = { ...c.req.param() };
    if (!v.path(params)) problems.push(...formatAjvErrors(v.path.errors).map((e) => `path parameter ${e.replace(/^\//, '')}`));
    const query: Record<string, unknown> = {};
    for (const [k, values] of Object.entries(c.req.queries() ?? {})) query[k] = v.arrayQuery.has(k) ? values : values[0];
    if (!v.query(query)) problems.push(...formatAjvErrors(v.query.errors).map((e) => `query ${e.replace(/^\//, '')}`));
    const headerValues: Record<string, unknown> = {};
    for (const lower of v.headerNames.keys()) {
      const value = c.req.header(lower);
      if (value !== undefined) headerValues[lower] = value;
    }
    const idem = contract.idempotency;
    const idemKey = idem && operation.idempotency ? (headerValues[idem.header.toLowerCase()] as string | undefined) : undefined;
    if (operation.idempotency === 'required' && idem && idemKey === undefined) {
      const bounds = idem.minLength !== null && idem.maxLength !== null ? ` (${idem.minLength}–${idem.maxLength} characters)` : '';
      return failure(requestId, idem.missing?.status ?? 400, idem.missing?.code ?? errors.codes.validation, `This operation requires an ${idem.header} header${bounds}; generate one per logical operation and send the same key when you retry.`);
    }
    if (idem && idemKey !== undefined && idempotencyPattern && !idempotencyPattern.test(idemKey)) {
      const printable = /^[\x20-\x7E]*$/.test(idemKey) ? '' : ', some not printable ASCII';
      return failure(requestId, 400, errors.codes.idempotencyKeyInvalid ?? errors.codes.validation, `${idem.header} must be ${idem.minLength ?? 8}–${idem.maxLength ?? 256} printable ASCII characters (got ${idemKey.length} characters${printable}); generate one per logical operation and reuse it only to retry that operation.`);
    }
    if (!v.header(headerValues)) problems.push(...formatAjvErrors(v.header.errors).map((e) => `header ${e.replace(/^\//, '')}`));

    let body: unknown;
    if (operation.requestBody) {
      if (rawBody.byteLength === 0) {
        if (operation.requestBody.required) problems.push('request body is required (application/json)');
      } else {
        const type = c.req.header('content-type') ?? '';
        if (!/^application\/(.+\+)?json\b/i.test(type) || !utf8Charset(type)) {
          const status = documentedStatus(operation.responses, 415, 400);
          return failure(requestId, status, (status === 415 && errors.codes.unsupportedMediaType) || errors.codes.validation, `Content-Type must be application/json, in UTF-8 (got "${type || 'none'}").`);
        }
        try {
          body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(rawBody));
        } catch {
          return failure(requestId, 400, errors.codes.malformedJson, 'Request body is not valid JSON (UTF-8); check the serializer and the Content-Length.');
        }
        if (v.body && !v.body(body)) problems.push(...formatAjvErrors(v.body.errors).map((e) => `body${e.startsWith('(root)') ? e.slice(6) : ' ' + e.replace(/^\//, '').replace(/\//g, '.')}`));
      }
    } else if (rawBody.byteLength > 0 && operation.method !== 'delete') {
      problems.push('this operation takes no request body');
    }
    if (problems.length) return failure(requestId, 400, errors.codes.validation, problems.slice(0, 5).join('; '));

    const headers: Record<string, unknown> = {};
    for (const [lower, value] of Object.entries(headerValues)) headers[v.headerNames.get(lower) ?? lower] = value;
    call.input = { params, query, headers, body };

    const handler = options.handlers[operation.operationId];
    const run = async (): Promise<HandlerResult> => {
      if (!handler) return failure(requestId, 501, errors.codes.notImplemented, `${operation.operationId} is not implemented by this server.`);
      return handler({ params, query, headers, body, rawBody, raw: c.req.raw, operation, requestId, state: call.state }, c);
    };
    const guarded = async () => {
      try {
        return await run();
      } catch (err) {
        return fromError(err, requestId);
      }
    };
    const chain = (options.middleware ?? []).reduceRight<() => Promise<HandlerResult>>((next, mw) => () => mw(call, next), guarded);
    const result = await chain();

    if (options.validateResponses) {
      const check = responseValidator(v, result.status);
      const sent = result.raw !== undefined ? JSON.parse(result.raw) : result.body;
      const problemsOut = check === undefined ? [`status ${result.status} is not documented`] : check && !check(sent) ? formatAjvErrors(check.errors) : [];
      if (problemsOut.length) {
        const violation = { operationId: operation.operationId, status: result.status, problems: problemsOut };
        if (options.onResponseViolation) options.onResponseViolation(violation);
        else throw new ResponseViolationError(violation);
      }
    }
    return result;
  }

  app.notFound((c) => {
    const requestId = requestIdOf(c);
    return respond(c, requestId, failure(requestId, 404, errors.codes.notFound, `No operation matches ${c.req.method} ${new URL(c.req.url).pathname}.`));
  });
  app.onError((err, c) => {
    const requestId = requestIdOf(c);
    return respond(c, requestId, fromError(err, requestId));
  });
  return app;
}
