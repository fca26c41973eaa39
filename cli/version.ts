import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../contracts/providers.ts';

/** accord's version: the package.json next to the sources (the repository's, or the installed package's). */
export const ACCORD_VERSION: string = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).version;
