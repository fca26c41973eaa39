/**
 * Type-level view of `paths` for the generated clients: the Idempotency-Key header becomes
 * optional, because the client generates one when the caller gives none (and returns it through
 * idempotencyKeyOf). Everything else is openapi-typescript's types unchanged.
 */
type IdempotencyHeader = 'Idempotency-Key';

type RelaxHeader<H> = H extends Record<string, unknown> ? Omit<H, IdempotencyHeader> & { [K in IdempotencyHeader]?: string } : H;

type RelaxParams<P> = P extends { header: infer H }
  ? IdempotencyHeader extends keyof H
    ? Omit<P, 'header'> & ({} extends RelaxHeader<H> ? { header?: RelaxHeader<H> } : { header: RelaxHeader<H> })
    : P
  : P;

type RelaxOperation<Op> = Op extends { parameters: infer P } ? Omit<Op, 'parameters'> & { parameters: RelaxParams<P> } : Op;

export type WithGeneratedIdempotencyKeys<Paths> = {
  [Path in keyof Paths]: { [M in keyof Paths[Path]]: RelaxOperation<Paths[Path][M]> };
};
