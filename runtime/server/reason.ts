import { STATUS_CODES } from 'node:http';

/** The HTTP reason phrase for a status ("Unauthorized"), for envelopes that repeat it. */
export const reasonPhrase = (status: number): string => STATUS_CODES[status] ?? 'Error';

/** `E_UNAUTHORIZED_ACCESS` → `UnauthorizedAccess`: Starship's `name` beside its `code`. */
export const codeToName = (code: string): string =>
  code
    .replace(/^E_/, '')
    .toLowerCase()
    .split('_')
    .map((w) => (w ? w[0]!.toUpperCase() + w.slice(1) : ''))
    .join('');
