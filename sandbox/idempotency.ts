/**
 * Idempotency-Key handling for every provider that declares it (x-idempotency): a key is scoped
 * to the caller and the operation; the first request runs and its response is stored; a replay
 * with the same body gets the byte-identical stored response with no second side effect; the same
 * key with another body gets the provider's conflict; a retry that arrives while the first request
 * is still running waits for it (50 concurrent POSTs, one execution, 50 identical answers).
 */
import type { ContractIdempotency, ContractOperation } from '../runtime/contract.ts';
import { ProviderError } from '../runtime/server/errors.ts';
import type { HandlerResult, Middleware, OperationCall } from '../runtime/server/router.ts';
import type { SandboxClock } from './clock.ts';
import type { SandboxStore } from './store.ts';
import { sha256Hex } from '../signing/canonical.ts';

export const REPLAY_HEADER = 'Idempotent-Replayed';
/** Stored responses between two sweeps for expired keys. */
const EXPIRE_EVERY = 1000;

export interface IdempotencyOptions {
  policy: ContractIdempotency;
  /** Who the caller is (keys are per caller); from the auth guard's principal. */
  scopeOf: (call: OperationCall) => string;
}

interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  raw: string | undefined;
}

/**
 * Results worth remembering: what the operation decided after accepting the request (2xx and the
 * business refusals 404, 409, 422). A 400 the handler raised, a 429 or a 5xx is not stored, so a
 * corrected retry with the same key runs (Starship D7, ODM D10).
 */
const storable = (r: HandlerResult) => (r.status >= 200 && r.status < 300) || r.status === 404 || r.status === 409 || r.status === 422;

export function idempotencyMiddleware(store: SandboxStore, clock: SandboxClock, options: IdempotencyOptions): Middleware {
  const { policy } = options;
  const header = policy.header.toLowerCase();
  const windowMs = (policy.windowSeconds ?? 86_400) * 1000;
  const inFlight = new Map<string, Promise<{ hash: string; response: StoredResponse }>>();
  let storedSinceStart = 0;

  const conflict = () =>
    new ProviderError(
      policy.conflict?.status ?? 409,
      policy.conflict?.code ?? 'CONFLICT',
      `This ${policy.header} was already used with a different request body. Use a new key for a new operation; reuse a key only to retry the identical request.`,
    );
  const replay = (stored: StoredResponse): HandlerResult => ({
    status: stored.status,
    headers: { ...stored.headers, [REPLAY_HEADER]: 'true' },
    ...(stored.raw !== undefined ? { raw: stored.raw } : {}),
  });

  return async (call, next) => {
    const op: ContractOperation = call.operation;
    if (!op.idempotency) return next();
    const key = call.c.req.header(header);
    // Required keys and the key's format were enforced by the router, in the provider's codes.
    if (key === undefined) return next();
    const scope = `${options.scopeOf(call)} ${op.method.toUpperCase()} ${op.path}`;
    // The request a key stands for: the concrete path and query as well as the body, so the same key
    // sent to cancel another voucher is a conflict, not a replay of the first cancellation.
    const { path, query } = call.target;
    // `?` and then URL.search (which has its own `?`): the format stored hashes already use.
    const hash = sha256Hex(Buffer.concat([Buffer.from(`${path}?${query ? `?${query}` : ''}\n`), call.rawBody]));
    const id = `${scope}\0${key}`;

    const pending = inFlight.get(id);
    if (pending) {
      const first = await pending;
      if (first.hash !== hash) throw conflict();
      return replay(first.response);
    }
    const stored = store.getIdempotency(scope, key);
    if (stored && clock.now() - stored.createdAt < windowMs) {
      if (stored.bodyHash !== hash) throw conflict();
      return replay({ status: stored.status, headers: stored.headers, raw: stored.body });
    }

    let settle!: (v: { hash: string; response: StoredResponse }) => void;
    let fail!: (e: unknown) => void;
    const promise = new Promise<{ hash: string; response: StoredResponse }>((resolve, reject) => {
      settle = resolve;
      fail = reject;
    });
    promise.catch(() => {});
    inFlight.set(id, promise);
    try {
      const result = await next();
      const raw = result.raw ?? (result.body === undefined ? undefined : JSON.stringify(result.body));
      const response: StoredResponse = { status: result.status, headers: result.headers ?? {}, raw };
      if (storable(result)) {
        store.putIdempotency(scope, key, { bodyHash: hash, status: response.status, headers: response.headers, body: raw, createdAt: clock.now() });
        // Now and then, let go of the responses whose window is over.
        if (++storedSinceStart % EXPIRE_EVERY === 0) store.expireIdempotency(clock.now() - windowMs);
      }
      settle({ hash, response });
      return { status: response.status, headers: response.headers, ...(raw !== undefined ? { raw } : {}) };
    } catch (err) {
      fail(err);
      throw err;
    } finally {
      inFlight.delete(id);
    }
  };
}
