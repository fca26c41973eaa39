/** openapi.json: the bundled spec the runtime (router validators, webhook verifier) loads. */
import { JSON_MARK_KEY, jsonMark } from '../header.ts';
import type { Emitter } from '../pipeline.ts';

export const emitSpecJson: Emitter = ({ doc, source }) => ({
  'openapi.json': JSON.stringify({ [JSON_MARK_KEY]: jsonMark(source), ...doc }, null, 2) + '\n',
});
