/**
 * Wires a @hey-api fetch client (generated per provider under generated/<provider>/sdk/) with the
 * same request pipeline as the openapi-fetch clients, as interceptors, plus the retrying fetch.
 */
import { serverUrl, type Contract } from '../contract.ts';
import { rememberIdempotencyKey } from './idempotency.ts';
import { findOperation } from './operations.ts';
import { createRequestPipeline, type PipelineOptions } from './pipeline.ts';
import { createRetryingFetch, type RetryOptions } from './retry.ts';

/** The part of a hey-api client this needs (structural, so any generated client fits). */
export interface HeyApiClientLike {
  setConfig(config: { baseUrl?: string; fetch?: typeof fetch }): unknown;
  interceptors: {
    request: { use(fn: (request: Request, options: { url: string }) => Request | Promise<Request>): unknown };
    response: { use(fn: (response: Response, request: Request, options: unknown) => Response | Promise<Response>): unknown };
  };
}

export interface HeyApiWiringOptions extends Omit<PipelineOptions, 'credentials'> {
  environment: string;
  credentials: object;
  retry?: RetryOptions;
  fetch?: typeof fetch;
}

export function wireHeyApiClient<C extends HeyApiClientLike>(client: C, contract: Contract, options: HeyApiWiringOptions): C {
  const pipeline = createRequestPipeline(contract, { ...options, credentials: options.credentials as Record<string, string | undefined> });
  const idemHeader = contract.idempotency?.header ?? 'Idempotency-Key';
  const retrying = createRetryingFetch(options.fetch ?? globalThis.fetch, options.retry);
  client.setConfig({ baseUrl: serverUrl(contract, options.environment), fetch: ((input: Request) => retrying(input)) as typeof fetch });
  client.interceptors.request.use((request, opts) => pipeline(request, findOperation(contract, request.method, opts.url)));
  client.interceptors.response.use((response, request) => {
    const key = request.headers.get(idemHeader);
    if (key) rememberIdempotencyKey(response, key);
    return response;
  });
  return client;
}
