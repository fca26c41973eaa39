/**
 * The Ed25519 part of the Postman pre-request script: postman/scripts/ed25519.js with TweetNaCl
 * (from npm, byte for byte) put in at its marker line, at generation time. No hand-written curve
 * arithmetic travels in a collection.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'scripts', 'ed25519.js');
const MARKER = '/* @accord:tweetnacl */';

export function ed25519Script(): string {
  const library = fs.readFileSync(createRequire(import.meta.url).resolve('tweetnacl/nacl-fast.min.js'), 'utf8').trim();
  const version = (JSON.parse(fs.readFileSync(createRequire(import.meta.url).resolve('tweetnacl/package.json'), 'utf8')) as { version: string }).version;
  const template = fs.readFileSync(SCRIPT, 'utf8');
  if (!template.includes(MARKER)) throw new Error(`${SCRIPT} lost its ${MARKER} line`);
  return template.replace(MARKER, `// tweetnacl ${version} (nacl-fast.min.js, public domain: https://tweetnacl.js.org)\n${library}`);
}
