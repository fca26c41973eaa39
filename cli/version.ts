/** accord's version: the one in package.json, read once (`accord --version`, packaging, reports). */
import { readFileSync } from 'node:fs';

export const ACCORD_VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
