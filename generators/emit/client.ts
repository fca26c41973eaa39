/**
 * client.ts: a ready openapi-fetch client and the wiring of the hey-api SDK, both with the
 * provider's base URLs, auth, signer, idempotency keys, 429 retries and request ids.
 */
import { tsHeader } from '../header.ts';
import type { Emitter } from '../pipeline.ts';

const quote = (s: string) => JSON.stringify(s);

export const emitClient: Emitter = ({ provider, contract, source }) => {
  const T = provider.typeName;
  const envs = [...new Set(contract.servers.map((s) => s.environment))];
  const creds = contract.auth.filter((a) => !a.computed);
  const credLines = creds.map((a) => `  /** Sent as \`${a.header}\`${a.prefix ? ` (${a.prefix.trim()} scheme)` : ''}. */\n  ${a.credential}${a.required ? '' : '?'}: string;`).join('\n');
  const signing = contract.signing.request;
  const example = envs.includes('accord-sandbox') ? 'accord-sandbox' : envs[0];
  const firstGet = contract.operations.find((o) => o.method === 'get' && !o.path.includes('{'));
  // The example names the required credentials; where every credential is optional (SIR Giving:
  // a partner key or an admin bearer), it names the first, so the example is never `{  }`.
  const exampleCreds = creds.some((c) => c.required) ? creds.filter((c) => c.required) : creds.slice(0, 1);
  const exampleCredentials = `{ ${exampleCreds.map((c) => `${c.credential}: '…'`).join(', ')} }`;
  return {
    'client.ts': `${tsHeader(source, 'accord')}
import type { Client } from 'openapi-fetch';
import { createAccordFetchClient, type AccordClientOptions } from '../../runtime/client/openapi-fetch.ts';
import { wireHeyApiClient } from '../../runtime/client/hey-api.ts';
import type { WithGeneratedIdempotencyKeys } from '../../runtime/client/types.ts';
import { contract } from './contract.ts';
import { createClient as createSdkClient, createConfig as createSdkConfig } from './sdk/client/index.ts';
import type { paths } from './types.ts';

export { idempotencyKeyOf } from '../../runtime/client/idempotency.ts';

/** Environments from the spec's servers; any base URL is accepted too. */
export type ${T}Environment = ${envs.map(quote).join(' | ')};

/** The credentials ${contract.title} issues${signing ? `; requests are signed with \`${signing}\` when \`signing\` is given` : ''}. */
export interface ${T}Credentials {
${credLines}
}

export type ${T}ClientOptions = AccordClientOptions<${T}Environment, ${T}Credentials>;

/** The paths as the client sees them: an Idempotency-Key the caller omits is generated. */
export type ${T}Paths = WithGeneratedIdempotencyKeys<paths>;

/**
 * A typed openapi-fetch client for ${contract.title}.
 *
 * @example
 *   const client = create${T}Client({ environment: '${example}', credentials: ${exampleCredentials}${signing ? `, signing: { ${signing.includes('ed25519') ? 'privateKey: pem' : 'secret: signingSecret'} }` : ''} });${firstGet ? `\n *   const { data, error } = await client.GET(${quote(firstGet.path)}${firstGet.parameters.some((p) => p.in === 'query' && p.required) ? ', { params: { query: { … } } }' : ''});` : ''}
 */
export function create${T}Client(options: ${T}ClientOptions): Client<${T}Paths> {
  return createAccordFetchClient<${T}Paths>(contract, options);
}

/**
 * A @hey-api client for the SDK functions in ./sdk (pass it as \`{ client }\`), wired the same way.
 *
 * @example
 *   const client = create${T}SdkClient({ environment: '${example}', credentials: ${exampleCredentials} });
 *   const result = await sdk.someOperation({ client, … });
 */
export function create${T}SdkClient(options: ${T}ClientOptions) {
  return wireHeyApiClient(createSdkClient(createSdkConfig()), contract, options);
}
`,
  };
};
