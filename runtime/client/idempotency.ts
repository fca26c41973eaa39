import { randomUUID } from 'node:crypto';

/**
 * The Idempotency-Key a client sent with a request, by response: the client generates a key when
 * the caller gives none, and the caller needs it to retry the same operation safely later.
 */
const keys = new WeakMap<Response, string>();

export function rememberIdempotencyKey(response: Response, key: string): void {
  keys.set(response, key);
}

/**
 * The Idempotency-Key sent with the request that produced this response, if any.
 *
 * @example
 *   const { data, response } = await client.POST('/orders', { body });
 *   const key = idempotencyKeyOf(response); // pass it back as the Idempotency-Key header to retry
 */
export function idempotencyKeyOf(response: Response): string | undefined {
  return keys.get(response);
}

/** A fresh key: printable ASCII, 43 characters, inside every provider's 8–256 bound. */
export function newIdempotencyKey(): string {
  return `accord_${randomUUID()}`;
}
