/**
 * Types that turn openapi-typescript's `operations[...]` entries into handler inputs and outputs.
 * Generated server stubs instantiate these per operation; nothing here is provider-specific.
 */
import type { Context } from 'hono';
import type { ContractOperation } from '../contract.ts';

type Part<Op, In extends string> = Op extends { parameters: infer P } ? (P extends { [K in In]?: infer X } ? ([X] extends [undefined] ? Record<string, never> : NonNullable<X>) : Record<string, never>) : Record<string, never>;

type JsonOf<C> = C extends { content: { 'application/json': infer B } } ? B : C extends { content: { [k: string]: infer B } } ? B : undefined;

export type RequestBodyOf<Op> = Op extends { requestBody: infer R } ? JsonOf<R> : Op extends { requestBody?: infer R } ? JsonOf<NonNullable<R>> | undefined : undefined;

type StatusNumber<S> = S extends number ? S : S extends `${infer N extends number}` ? N : S extends `${infer D extends 1 | 2 | 3 | 4 | 5}XX` ? (D extends 2 ? 200 | 201 | 202 | 203 | 204 | 206 : number) : number;

/** One of the operation's declared responses: its status, its JSON body, extra headers. */
export type ResponseOf<Op> = Op extends { responses: infer R }
  ? { [S in keyof R]: { status: StatusNumber<S>; body: JsonOf<R[S]>; headers?: Record<string, string> } }[keyof R]
  : never;

export interface HandlerRequest<Op> {
  params: Part<Op, 'path'>;
  query: Part<Op, 'query'>;
  /** Declared header parameters, by their spec names (lookups are case-insensitive on `raw`). */
  headers: Part<Op, 'header'>;
  body: RequestBodyOf<Op>;
  /** The exact bytes received (what a signature covers). */
  rawBody: Uint8Array;
  raw: Request;
  operation: ContractOperation;
  /** The request id for this call (echoed or generated). */
  requestId: string;
  /** What the guards established for this call (the sandbox's authenticated principal). */
  state: Record<string, unknown>;
}

export type Handler<Op> = (request: HandlerRequest<Op>, c: Context) => ResponseOf<Op> | Promise<ResponseOf<Op>>;

/** Handlers for every operation of an operations interface, keyed by operationId. */
export type HandlersOf<Ops> = { [K in keyof Ops]: Handler<Ops[K]> };
