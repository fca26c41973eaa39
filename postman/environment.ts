/**
 * Postman environments for a provider: one per server of its spec (the local accord sandbox and
 * mock, the provider's sandbox and production), each with `baseUrl` and the credential variables.
 * Values stay empty — an exported collection or environment carries no secret — unless filled
 * from an accord credentials file (`accord serve`'s test credentials) for the local sandbox.
 */
import type { SandboxCredential } from '../sandbox/provider.ts';
import type { GeneratedCollection } from './collection.ts';
import { stableUuid } from './collection.ts';
import { POSTMAN_CONFIG } from './config.ts';

export interface PmEnvironmentValue {
  key: string;
  value: string;
  type: 'default' | 'secret';
  enabled: true;
}

export interface PmEnvironment {
  id: string;
  name: string;
  values: PmEnvironmentValue[];
  _postman_variable_scope: 'environment';
}

const LABELS: Record<string, string> = {
  'accord-sandbox': 'accord sandbox (local, accord serve)',
  'accord-mock': 'accord mock (local Prism, accord mock)',
  sandbox: 'provider sandbox',
  production: 'production',
};

/** A provider's test credentials by role, as `accord serve` writes them (credentials file format 1). */
export type CredentialsByRole = Record<string, SandboxCredential>;

function fieldOf(credential: SandboxCredential | undefined, from: string): string | undefined {
  if (!credential) return undefined;
  const [group, key] = from.split('.') as ['credentials' | 'signing', string];
  const source = group === 'credentials' ? credential.credentials : (credential.signing as Record<string, string> | undefined);
  const value = source?.[key];
  return typeof value === 'string' ? value : undefined;
}

/** The environment's variables; with `fill`, the credential values of the given roles. */
export function environmentValues(generated: GeneratedCollection, baseUrl: string, fill?: CredentialsByRole, environment?: string): PmEnvironmentValue[] {
  const config = POSTMAN_CONFIG[generated.provider.id];
  const values: PmEnvironmentValue[] = [{ key: 'baseUrl', value: baseUrl, type: 'default', enabled: true }];
  for (const c of config.credentials) values.push({ key: c.variable, value: fill ? (fieldOf(fill[c.role], c.from) ?? '') : '', type: c.secret ? 'secret' : 'default', enabled: true });
  if (config.schemeVariable) {
    const scheme = fill?.default?.signing?.scheme ?? generated.scriptConfig.defaultScheme ?? '';
    values.push({ key: config.schemeVariable.name, value: scheme, type: 'default', enabled: true });
  }
  // Where out-of-band values (ODM's OTP) can be read: an accord sandbox's control API, beside its base URL.
  if (config.outOfBand?.length) {
    const local = environment === 'accord-sandbox' || fill !== undefined;
    values.push({ key: 'accordControlUrl', value: local && /^https?:\/\//.test(baseUrl) ? `${new URL(baseUrl).origin}/_accord` : '', type: 'default', enabled: true });
  }
  return values;
}

/** Every secret value an environment built with `fill` holds (what must never show up in a report). */
export function secretValues(generated: GeneratedCollection, fill: CredentialsByRole): string[] {
  return POSTMAN_CONFIG[generated.provider.id].credentials
    .filter((c) => c.secret)
    .map((c) => fieldOf(fill[c.role], c.from))
    .filter((v): v is string => Boolean(v));
}

export function buildEnvironment(generated: GeneratedCollection, environment: string, options: { baseUrl?: string; fill?: CredentialsByRole } = {}): PmEnvironment {
  const server = generated.contract.servers.find((s) => s.environment === environment);
  if (!server && !options.baseUrl) throw new Error(`${generated.provider.id} has no "${environment}" server`);
  return {
    id: stableUuid(`${generated.provider.id}:environment:${environment}`),
    name: `${generated.contract.title} — ${LABELS[environment] ?? environment}`,
    values: environmentValues(generated, (options.baseUrl ?? server!.url).replace(/\/$/, ''), options.fill, environment),
    _postman_variable_scope: 'environment',
  };
}

/** One environment per server entry of the spec, in spec order. */
export function buildEnvironments(generated: GeneratedCollection, localSandbox?: { baseUrl: string; fill: CredentialsByRole }): Array<{ environment: string; json: PmEnvironment; hasSecrets: boolean }> {
  return generated.contract.servers.map((s) => {
    const local = s.environment === 'accord-sandbox' ? localSandbox : undefined;
    return { environment: s.environment, json: buildEnvironment(generated, s.environment, local ?? {}), hasSecrets: Boolean(local) };
  });
}
