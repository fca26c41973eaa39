import { timingSafeEqual } from 'node:crypto';

/**
 * Constant-time equality of two byte strings. The length is not secret (every signature of a
 * scheme has the same length), so unequal lengths return false at once.
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  return timingSafeEqual(a, b);
}
