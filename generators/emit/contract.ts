/** contract.ts: the runtime contract data (runtime/contract.ts) extracted from the spec. */
import { tsHeader } from '../header.ts';
import type { Emitter } from '../pipeline.ts';

export const emitContract: Emitter = ({ contract, source }) => ({
  'contract.ts':
    tsHeader(source, 'accord') +
    `import type { Contract } from '../../runtime/contract.ts';\n\n` +
    `export const contract: Contract = ${JSON.stringify(contract, null, 2)};\n`,
});
