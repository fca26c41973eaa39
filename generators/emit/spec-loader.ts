/** spec.ts: reads the bundled spec (openapi.json, next to it) — shared by the router and the webhook verifier. */
import { tsHeader } from '../header.ts';
import type { Emitter } from '../pipeline.ts';

export const emitSpecLoader: Emitter = ({ provider, source }) => ({
  'spec.ts': `${tsHeader(source, 'accord')}
import fs from 'node:fs';

/** The bundled spec, read from the openapi.json next to this file (the validators are compiled from it). */
export function load${provider.typeName}Spec(): unknown {
  return JSON.parse(fs.readFileSync(new URL('./openapi.json', import.meta.url), 'utf8'));
}
`,
});
