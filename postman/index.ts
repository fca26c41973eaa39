/**
 * `accord postman`: writes a provider's collection and environments.
 *
 *   <out>/<provider>.postman_collection.json
 *   <out>/<provider>.<environment>.postman_environment.json   (accord-sandbox, accord-mock, sandbox, production)
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Provider } from '../contracts/providers.ts';
import { CREDENTIALS_FORMAT, type CredentialsFile } from '../sandbox/serve.ts';
import { buildCollection, type GeneratedCollection } from './collection.ts';
import { buildEnvironments, type CredentialsByRole } from './environment.ts';

export { buildCollection, COLLECTION_SCHEMA, PLACEHOLDERS, stableUuid, type GeneratedCollection, type PmCollection } from './collection.ts';
export { buildEnvironment, buildEnvironments, environmentValues, secretValues, type PmEnvironment } from './environment.ts';

export interface WrittenFile {
  file: string;
  /** Holds credentials: written with mode 0600. */
  secret: boolean;
}

export interface PostmanOutput {
  generated: GeneratedCollection;
  files: WrittenFile[];
}

export const collectionFileName = (providerId: string) => `${providerId}.postman_collection.json`;
export const environmentFileName = (providerId: string, environment: string) => `${providerId}.${environment}.postman_environment.json`;

/** A credentials file unfit for a provider (the message names the problem; the CLI exits 2). */
export class CredentialsFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CredentialsFileError';
  }
}

/** The provider's entry of an `accord serve` credentials file: base URL and test credentials by role. */
export function readSandboxCredentials(file: string, providerId: string): { baseUrl: string; fill: CredentialsByRole } {
  let parsed: CredentialsFile;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new CredentialsFileError(`--credentials: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'invalid JSON'})`);
  }
  if (parsed?.format !== CREDENTIALS_FORMAT) throw new CredentialsFileError(`--credentials: ${file} is not an accord credentials file (format must be "${CREDENTIALS_FORMAT}")`);
  const entry = parsed.providers?.[providerId];
  if (!entry?.baseUrl || !entry.credentials?.default) throw new CredentialsFileError(`--credentials: ${file} has no "${providerId}" entry with a base URL and a "default" role (run accord serve ${providerId})`);
  return { baseUrl: entry.baseUrl, fill: entry.credentials };
}

/**
 * Generates and writes the files. With `localSandbox`, the accord-sandbox environment points at
 * that running sandbox and holds its test credentials (mode 0600); otherwise credential values are empty.
 */
export async function writePostman(provider: Provider, outDir: string, localSandbox?: { baseUrl: string; fill: CredentialsByRole }): Promise<PostmanOutput> {
  const generated = await buildCollection(provider);
  fs.mkdirSync(outDir, { recursive: true });
  const files: WrittenFile[] = [];
  const write = (name: string, json: unknown, secret: boolean) => {
    const file = path.join(outDir, name);
    // A file that held credentials keeps 0600 even when rewritten without them.
    fs.writeFileSync(file, JSON.stringify(json, null, 2) + '\n', { mode: secret ? 0o600 : 0o644 });
    if (secret) fs.chmodSync(file, 0o600);
    files.push({ file, secret });
  };
  write(collectionFileName(provider.id), generated.collection, false);
  for (const env of buildEnvironments(generated, localSandbox)) write(environmentFileName(provider.id, env.environment), env.json, env.hasSecrets);
  return { generated, files };
}
