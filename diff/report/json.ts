import type { DiffReport } from '../types.ts';

/** The report as JSON (`accord-diff/1`), for scripts and CI annotations. */
export const jsonReport = (r: DiffReport): string => JSON.stringify(r, null, 2) + '\n';
