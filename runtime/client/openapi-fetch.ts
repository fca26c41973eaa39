/**
 * openapi-fetch clients for a contract: base URL per environment, auth, signing, idempotency,
 * request ids (the request pipeline, as middleware) and 429 retries (a retrying fetch).
 */
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import { serverUrl, type Contract } from '../contract.ts';
import { rememberIdempotencyKey } from './idempotency.ts';
import { findOperation } from './operations.ts';
import { createRequestPipeline, type PipelineOptions } from './pipeline.ts';
import { createRetryingFetch, type RetryOptions } from './retry.ts';

export interface AccordClientOptions<Env extends string, Credentials> extends Omit<PipelineOptions, 'credentials'> {
  /** An environment of the spec's `servers` (sandbox, production, accord-sandbox, accord-mock) or a base URL. */
  environment: Env | (string & {});
  credentials: Credentials;
  retry?: RetryOptions;
  /** The fetch to send with (tests, proxies); default globalThis.fetch. */
  fetch?: typeof fetch;
}

export function createAccordFetchClient<Paths extends {}>(contract: Contract, options: AccordClientOptions<string, object>): Client<Paths> {
  const pipeline = createRequestPipeline(contract, { ...options, credentials: options.credentials as Record<string, string | undefined> });
  const idemHeader = contract.idempotency?.header ?? 'Idempotency-Key';
  const sent = new WeakMap<Request, string>();
  const middleware: Middleware = {
    async onRequest({ request, schemaPath }) {
      const out = await pipeline(request, findOperation(contract, request.method, schemaPath));
      const key = out.headers.get(idemHeader);
      if (key) sent.set(out, key);
      return out;
    },
    onResponse({ request, response }) {
      const key = sent.get(request) ?? request.headers.get(idemHeader);
      if (key) rememberIdempotencyKey(response, key);
      return response;
    },
  };
  const client = createClient<Paths>({
    baseUrl: serverUrl(contract, options.environment),
    fetch: createRetryingFetch(options.fetch ?? globalThis.fetch, options.retry),
  });
  client.use(middleware);
  return client;
}
