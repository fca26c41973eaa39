/**
 * The runtime view of a provider contract: what generated clients, stubs and webhook verifiers
 * need from the spec, extracted once by the generator (generators/contract/extract.ts) and
 * emitted as data into generated/<provider>/contract.ts. Providers differ only in these values.
 */
export type HttpMethod = 'get' | 'put' | 'post' | 'delete' | 'options' | 'head' | 'patch' | 'trace';

export interface ContractServer {
  /** `sandbox`, `production`, `accord-sandbox`, `accord-mock` (x-environment). */
  environment: string;
  /** URL with server variables replaced by their defaults. */
  url: string;
  description: string;
}

export interface ContractAuthHeader {
  /** HTTP header name, e.g. `X-API-Key`. */
  header: string;
  /** securitySchemes key, e.g. `ApiKey`. */
  scheme: string;
  /** Credential field the caller supplies for it, e.g. `apiKey`. */
  credential: string;
  /** True when the signer computes this header (signature, timestamp), not the caller. */
  computed: boolean;
  /** Written before the credential in the header (`Bearer ` for HTTP bearer schemes). */
  prefix: string;
  /** True when every operation needs it. */
  required: boolean;
}

export interface ContractParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
}

export interface ContractOperation {
  operationId: string;
  method: HttpMethod;
  /** OpenAPI path template, e.g. `/orders/{order_id}`. */
  path: string;
  summary: string;
  tags: string[];
  /** Alternatives of security scheme names (OR of ANDs), as in the spec. */
  security: string[][];
  signing: 'required' | 'optional' | 'none';
  idempotency: 'required' | 'optional' | null;
  rateLimitClass: string | null;
  keyScope: 'publishable' | 'secret' | null;
  status: 'planned' | null;
  parameters: ContractParameter[];
  requestBody: { required: boolean; mediaType: string } | null;
  /** Declared response statuses, e.g. ['200', '400', '4XX']. */
  responses: string[];
}

export interface ContractWebhook {
  event: string;
  operationId: string;
  summary: string;
  /** Header parameter names the provider sends with the delivery. */
  headers: string[];
}

export interface ContractIdempotency {
  header: string;
  minLength: number | null;
  maxLength: number | null;
  pattern: string | null;
  windowSeconds: number | null;
  conflict: { status: number; code: string } | null;
  missing: { status: number; code: string } | null;
}

export interface RateLimitWindow {
  requests: number;
  per_seconds: number;
}

export interface ContractRateLimit {
  key: string | null;
  documented: boolean;
  classes: Record<string, { description?: string; limits: RateLimitWindow[] }>;
  tiers: Record<string, RateLimitWindow[]> | null;
  headers: Record<string, string> | null;
}

export interface Contract {
  provider: string;
  title: string;
  version: string;
  /** Repo-relative path of the spec this was generated from. */
  source: string;
  servers: ContractServer[];
  auth: ContractAuthHeader[];
  signing: { request: string | null; webhooks: string | null; windowSeconds: number | null };
  idempotency: ContractIdempotency | null;
  rateLimit: ContractRateLimit | null;
  /** Name of the error envelope schema in components.schemas. */
  errorSchema: string | null;
  /** Every error code the envelope declares (x-error-codes), with its status. */
  errorCodes: Record<string, { status: number; documented: boolean }>;
  operations: ContractOperation[];
  webhooks: ContractWebhook[];
}

/** Finds an operation by id; throws with the list of valid ids when absent. */
export function operationById(contract: Contract, operationId: string): ContractOperation {
  const op = contract.operations.find((o) => o.operationId === operationId);
  if (!op) throw new Error(`${contract.provider} has no operation "${operationId}"; known: ${contract.operations.map((o) => o.operationId).join(', ')}`);
  return op;
}

/** The path every URL of an environment starts with (`/api/v1`, or empty); default accord's sandbox. */
export function basePathOf(contract: Contract, environment = 'accord-sandbox'): string {
  const server = contract.servers.find((s) => s.environment === environment);
  return server ? new URL(server.url).pathname.replace(/\/$/, '') : '';
}

/** Base URL for an environment name, or the URL itself when one is passed. */
export function serverUrl(contract: Contract, environmentOrUrl: string): string {
  if (/^https?:\/\//.test(environmentOrUrl)) return environmentOrUrl.replace(/\/$/, '');
  const server = contract.servers.find((s) => s.environment === environmentOrUrl);
  if (!server) {
    throw new Error(`${contract.provider} has no "${environmentOrUrl}" environment; use one of ${contract.servers.map((s) => s.environment).join(', ')} or a URL`);
  }
  return server.url.replace(/\/$/, '');
}
