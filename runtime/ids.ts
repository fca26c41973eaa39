/**
 * ULIDs without a crypto call per character: ulid() draws every one of its 16 random characters
 * with its own crypto.getRandomValues (and re-detects the PRNG on each call). The same
 * node:crypto randomness, drawn 4 KiB at a time.
 */
import { randomFillSync } from 'node:crypto';
import { ulid as ulidWith } from 'ulid';

const pool = new Uint8Array(4096);
let next = pool.length;

/** A float in [0, 1) from pooled crypto bytes, as ulid's own PRNG computes it (byte / 256). */
export const pooledPrng = (): number => {
  if (next === pool.length) {
    randomFillSync(pool);
    next = 0;
  }
  return pool[next++]! / 256;
};

export const ulid = (): string => ulidWith(undefined, pooledPrng);
