/** types.ts: the paths, operations, components and webhooks types, by openapi-typescript. */
import openapiTS, { astToString } from 'openapi-typescript';
import { tsHeader } from '../header.ts';
import type { Emitter } from '../pipeline.ts';

export const emitTypes: Emitter = async ({ doc, source }) => {
  const ast = await openapiTS(structuredClone(doc) as any, { silent: true, alphabetize: false });
  return { 'types.ts': tsHeader(source, 'openapi-typescript') + '\n' + astToString(ast) };
};
