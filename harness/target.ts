/** Builds the check target: the provider's bundled spec and contract, and the credentials file. */
import fs from 'node:fs';
import { bundleSpec } from '../contracts/bundle.ts';
import type { Provider } from '../contracts/providers.ts';
import { createSchemaSet } from '../contracts/schemas.ts';
import { extractContract } from '../generators/contract/extract.ts';
import { CREDENTIALS_FORMAT, type CredentialsFile } from '../sandbox/serve.ts';
import type { CheckTarget } from './types.ts';

/** A configuration problem (exit 2): unreadable or malformed credentials, bad URL. */
export class TargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetError';
  }
}

export function readCredentialsFile(file: string, provider: string): CredentialsFile['providers'][string] {
  let parsed: CredentialsFile;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new TargetError(`--credentials: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'invalid JSON'})`);
  }
  if (parsed.format !== CREDENTIALS_FORMAT) throw new TargetError(`--credentials: ${file} is not an accord credentials file (format must be "${CREDENTIALS_FORMAT}")`);
  const entry = parsed.providers?.[provider];
  if (!entry?.credentials?.default) throw new TargetError(`--credentials: ${file} has no "${provider}" entry with a "default" role`);
  return entry;
}

export async function buildTarget(provider: Provider, baseUrl: string, entry: Pick<CredentialsFile['providers'][string], 'credentials'> & { baseUrl?: string; controlUrl?: string; controlToken?: string }): Promise<CheckTarget> {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new TargetError(`--base-url: "${baseUrl}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TargetError(`--base-url must be an http:// or https:// URL, got "${baseUrl}"`);
  const doc = await bundleSpec(provider.specPath);
  const contract = extractContract(doc, `specs/${provider.id}/openapi.yaml`);
  return {
    provider,
    contract,
    doc,
    schemas: createSchemaSet(doc),
    baseUrl: baseUrl.replace(/\/$/, ''),
    credentials: entry.credentials,
    ...(entry.controlUrl ? { controlUrl: entry.controlUrl } : {}),
    ...(entry.controlToken ? { controlToken: entry.controlToken } : {}),
  };
}
