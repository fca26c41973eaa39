// `accord proxy`: Prism's validation proxy in front of an implementation reports what breaks the
// spec in the answers' sl-violations header, and passes conforming traffic through untouched.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getProvider } from '../../contracts/providers.ts';
import { serveSandbox, type ServedSandbox } from '../../harness/dredd/serve.ts';
import { startProxy, upstreamFor, violationsOf, type RunningProxy } from '../../harness/proxy.ts';
import { MUTANTS } from '../mutants/mutants.ts';

describe('upstreamFor', () => {
  it('drops the base path the spec’s paths already carry, keeps any other prefix', () => {
    expect(upstreamFor('http://127.0.0.1:4100/api/v1', '/api/v1')).toBe('http://127.0.0.1:4100');
    expect(upstreamFor('http://127.0.0.1:4100/api/v1/', '/api/v1')).toBe('http://127.0.0.1:4100');
    expect(upstreamFor('https://partner.example/starship/api/v1', '/api/v1')).toBe('https://partner.example/starship');
    expect(upstreamFor('http://127.0.0.1:4103', '')).toBe('http://127.0.0.1:4103');
  });
});

describe('Prism’s proxy in front of an iStar implementation', () => {
  const broken = MUTANTS.find((m) => m.id === 'missing-required-field')!;
  let served: ServedSandbox;
  let proxy: RunningProxy;
  let apiKey: string;
  beforeAll(async () => {
    // The mutant drops wallet_id from the wallet balance: a response the spec forbids.
    served = await serveSandbox('istar', { sandbox: { rateLimitsDisabled: true }, wrap: broken.wrap! });
    apiKey = served.credentials.default!.credentials.apiKey!;
    proxy = await startProxy(getProvider('istar'), { upstream: served.baseUrl });
  }, 90_000);
  afterAll(async () => {
    await proxy?.stop();
    await served?.close();
  });

  it('serves under the provider’s base path and forwards to the implementation', () => {
    expect(proxy.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1\/partner$/);
    expect(proxy.upstream).toBe(new URL(served.baseUrl).origin);
  });

  it('passes a conforming exchange through without violations', async () => {
    const res = await fetch(`${proxy.url}/premium/packages`, { headers: { 'API-Key': apiKey } });
    expect(res.status).toBe(200);
    expect(violationsOf(res.headers)).toEqual([]);
    expect(Array.isArray(await res.json())).toBe(true);
  });

  it('reports a response that breaks the spec, and a request that does', async () => {
    const res = await fetch(`${proxy.url}/wallet/balance`, { headers: { 'API-Key': apiKey } });
    expect(res.status).toBe(200);
    const violations = violationsOf(res.headers);
    expect(violations.some((v) => v.location[0] === 'response' && v.message.includes('wallet_id'))).toBe(true);
    const bad = await fetch(`${proxy.url}/star/recipient/search?username=x`, { headers: { 'API-Key': apiKey } });
    expect(bad.status).toBe(400); // forwarded: the implementation's own answer
    expect(violationsOf(bad.headers).some((v) => v.location[0] === 'request')).toBe(true);
  });
});
