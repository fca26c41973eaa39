/**
 * server.ts: the typed handler interface (one handler per operation, typed from openapi-typescript)
 * and a router factory on the shared stub router (runtime/server/router.ts).
 */
import { tsHeader } from '../header.ts';
import type { Emitter } from '../pipeline.ts';
import { basePathOf } from '../../runtime/contract.ts';
import { pascalCase } from '../names.ts';

export const emitServer: Emitter = ({ provider, contract, source }) => {
  const T = provider.typeName;
  const basePath = basePathOf(contract);
  const aliases = contract.operations
    .map((o) => {
      const N = pascalCase(o.operationId);
      return `/** ${o.method.toUpperCase()} ${o.path}${o.summary ? ` — ${o.summary}` : ''} */\nexport type ${N}Request = HandlerRequest<operations['${o.operationId}']>;\nexport type ${N}Response = ResponseOf<operations['${o.operationId}']>;`;
    })
    .join('\n');
  return {
    'server.ts': `${tsHeader(source, 'accord')}
import type { Hono } from 'hono';
import { http } from '../../providers/${provider.id}/http.ts';
import { createRouter, type Guard, type Middleware, type ResponseViolation } from '../../runtime/server/router.ts';
import type { HandlerRequest, HandlersOf, ResponseOf } from '../../runtime/server/types.ts';
import { contract } from './contract.ts';
import { load${T}Spec } from './spec.ts';
import type { operations } from './types.ts';

/** Every operation's handler, typed from the spec. */
export type ${T}Handlers = HandlersOf<Pick<operations, ${contract.operations.map((o) => `'${o.operationId}'`).join(' | ')}>>;

${aliases}

export { load${T}Spec } from './spec.ts';

export interface ${T}RouterOptions {
  handlers: Partial<${T}Handlers>;
  /** Default ${JSON.stringify(basePath)} (the accord-sandbox server's path). */
  basePath?: string;
  guards?: Guard[];
  middleware?: Middleware[];
  /** Validate every response against the spec (development). */
  validateResponses?: boolean;
  onResponseViolation?: (violation: ResponseViolation) => void;
  maxBodyBytes?: number;
}

/**
 * A Hono app serving ${contract.title}'s operations: invalid requests are answered in the provider's
 * error envelope; valid ones reach the typed handler.
 *
 * @example
 *   const app = create${T}Router({ handlers: { ${contract.operations[0]?.operationId ?? 'op'}: async (req) => ({ status: 200, body: … }) } });
 *   serve({ fetch: app.fetch, port: ${4100 + provider.portOffset} });
 */
export function create${T}Router(options: ${T}RouterOptions): Hono {
  return createRouter({
    contract,
    spec: load${T}Spec(),
    http,
    basePath: options.basePath ?? ${JSON.stringify(basePath)},
    handlers: options.handlers as Record<string, never>,
    ...(options.guards ? { guards: options.guards } : {}),
    ...(options.middleware ? { middleware: options.middleware } : {}),
    ...(options.validateResponses !== undefined ? { validateResponses: options.validateResponses } : {}),
    ...(options.onResponseViolation ? { onResponseViolation: options.onResponseViolation } : {}),
    ...(options.maxBodyBytes !== undefined ? { maxBodyBytes: options.maxBodyBytes } : {}),
  });
}
`,
  };
};
