/** index.ts: the provider's generated surface in one import. */
import { tsHeader } from '../header.ts';
import type { Emitter } from '../pipeline.ts';

export const emitIndex: Emitter = ({ contract, source }) => ({
  'index.ts': `${tsHeader(source, 'accord')}
export * from './client.ts';
export * from './server.ts';
${contract.webhooks.length && contract.signing.webhooks ? "export * from './webhooks.ts';\n" : ''}export { contract } from './contract.ts';
export type { paths, operations, components${contract.webhooks.length ? ', webhooks' : ''} } from './types.ts';
export * as sdk from './sdk/sdk.gen.ts';
`,
});
