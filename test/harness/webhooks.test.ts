// The webhooks check: against the four in-process sandboxes every delivery verifies, every refused
// delivery comes back with its event id and every event is acknowledged; without a control URL it
// skips with a reason. Broken implementations — unsigned deliveries, a body changed after signing,
// a signed payload that breaks its schema, a voucher code in a payload, no retries, a retry under a
// new event id — each fail it. The broken deliveries come through a relay the test puts between the
// sandbox and the check's receiver (the sandbox's fetch is wrapped to point registrations at it).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { REFUSE_FIRST, webhooks } from '../../harness/checks/webhooks.ts';
import { runChecks, type RunReport } from '../../harness/run.ts';
import { sign } from '../../signing/engine.ts';
import type { SchemeId } from '../../signing/types.ts';
import { sharedSandboxTargets } from '../support/harness-targets.ts';
import type { TestSandbox } from '../support/sandbox.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

// One sandbox per provider for the whole file; each test brings its own fetch (broken or not).
const start = sharedSandboxTargets();

const fails = (r: RunReport) => r.findings.filter((f) => f.outcome === 'fail').map((f) => `${f.subject}: ${f.reason}`);
const subjects = (r: RunReport, outcome: string) => r.findings.filter((f) => f.outcome === outcome).map((f) => f.subject);

// ---------------------------------------------------------------------------------------------
// A relay between the sandbox and the check's receiver, and a sandbox fetch that points the
// receiver's registration at it.

interface Delivery {
  headers: Record<string, string>;
  body: string;
}
interface Relay {
  url: string;
  /** The receiver the check registered (filled when the registration passes through). */
  target?: string;
  /** The secret the check configured (iStar) or the API returned (Starship). */
  secret?: string;
  /** Voucher codes the sandbox returned. */
  codes: string[];
}

/**
 * `change` rewrites each delivery before it goes on (return it unchanged to pass it through);
 * `answer` decides what the sandbox hears back given what the receiver answered.
 */
async function startRelay(change: (d: Delivery, relay: Relay) => Delivery, answer: (receiverStatus: number) => number = (s) => s): Promise<Relay> {
  const relay: Relay = { url: '', codes: [] };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !['host', 'content-length', 'connection'].includes(k)).map(([k, v]) => [k, String(v)]));
      const out = change({ headers, body: Buffer.concat(chunks).toString('utf8') }, relay);
      const forwarded = await fetch(relay.target!, { method: 'POST', headers: out.headers, body: out.body });
      await forwarded.body?.cancel();
      res.writeHead(answer(forwarded.status)).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  relay.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/relay`;
  cleanups.push(() => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))));
  return relay;
}

/** The sandbox's fetch, sending the check's receiver registration to the relay and noting secrets and codes on the way. */
function viaRelay(sb: TestSandbox, relay: Relay, options: { dropSecret?: boolean } = {}): typeof fetch {
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    let req = new Request(input, init);
    const path = new URL(req.url).pathname;
    if (req.method === 'POST' && (path === '/_accord/webhook-endpoints' || /^\/_accord\/webhooks\/[^/]+\/forward$/.test(path))) {
      const body = await req.json();
      relay.target = body.url;
      relay.secret ??= body.secret;
      if (options.dropSecret) delete body.secret;
      req = new Request(req.url, { method: 'POST', headers: req.headers, body: JSON.stringify({ ...body, url: relay.url }) });
    }
    const res = await sb.fetch(req);
    if (req.method === 'POST' && path.endsWith('/webhooks') && res.status === 201) relay.secret = (await res.clone().json()).secret;
    if (req.method === 'GET' && path.endsWith('/vouchers') && res.status === 200) for (const v of (await res.clone().json()).vouchers ?? []) relay.codes.push(v.code);
    return res;
  }) as typeof fetch;
}

/** Re-signs a delivery body with a scheme and secret (a provider that signs what it changed). */
function resign(d: Delivery, scheme: SchemeId, secret: string, body: string): Delivery {
  const signed = sign(scheme, { body, secret });
  return { headers: { ...d.headers, ...Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), v])) }, body };
}

// ---------------------------------------------------------------------------------------------

describe('against the sandboxes', () => {
  it.each([
    ['starship', ['order.created', 'voucher.issued', 'order.delivered']],
    ['istar', ['order.completed', 'order.failed']],
    ['sirgiving', ['partner.status_changed', 'api_key.expiring']],
    ['odm', ['voucher.issued', 'voucher.claimed', 'voucher.cancelled']],
  ] as const)('%s: deliveries verify, refused ones are retried, every event is acknowledged', async (id, events) => {
    const { sb, target } = await start(id);
    const report = await runChecks(target, [webhooks], {}, { fetch: sb.fetch });
    expect(fails(report)).toEqual([]);
    expect(subjects(report, 'skip')).toEqual([]);
    const passed = subjects(report, 'pass');
    expect(passed).toEqual(expect.arrayContaining([...events.map((e) => `event ${e}`), 'every event acknowledged']));
    expect(passed.filter((s) => s.startsWith('retry of delivery'))).toHaveLength(REFUSE_FIRST);
    expect(sb.violations).toEqual([]);
  });

  it('keeps the endpoint secret out of the findings', async () => {
    const { sb, target } = await start('starship');
    const relay = await startRelay((d) => d);
    const report = await runChecks(target, [webhooks], {}, { fetch: viaRelay(sb, relay) });
    const secret = relay.secret!;
    expect(secret).toMatch(/^whsec_/);
    expect(JSON.stringify(report)).not.toContain(secret);
    expect(JSON.stringify(report)).toContain('«redacted»');
  });

  it('skips every provider without a control URL, saying why', async () => {
    for (const id of ['starship', 'istar', 'sirgiving', 'odm'] as const) {
      const { sb, target } = await start(id, false);
      const report = await runChecks(target, [webhooks], {}, { fetch: sb.fetch });
      expect(report.failed).toBe(0);
      expect(report.findings).toHaveLength(1);
      expect(report.findings[0]!.outcome).toBe('skip');
      expect(report.findings[0]!.reason).toMatch(id === 'starship' ? /https.*ACCORD_WEBHOOK_PUBLIC_URL/ : /control (API|URL)/);
    }
  });
});

describe('against broken implementations', () => {
  it('iStar: unsigned deliveries (the configured secret ignored) fail on the signature', async () => {
    const { sb, target } = await start('istar');
    const relay = await startRelay((d) => d);
    const report = await runChecks(target, [webhooks], {}, { fetch: viaRelay(sb, relay, { dropSecret: true }) });
    const failed = fails(report);
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((f) => /^delivery #\d+ order\.(completed|failed) .*: signature: missing_header/.test(f))).toBe(true);
  });

  it('Starship: a body changed after signing fails on the signature', async () => {
    const { sb, target } = await start('starship');
    const relay = await startRelay((d) => ({ ...d, body: d.body.replace('"event_id"', ' "event_id"') }));
    const report = await runChecks(target, [webhooks], {}, { fetch: viaRelay(sb, relay) });
    const failed = fails(report);
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((f) => /: signature: signature_mismatch/.test(f))).toBe(true);
  });

  it('iStar: a correctly signed payload without a required field fails on the payload', async () => {
    const { sb, target } = await start('istar');
    const relay = await startRelay((d, r) => {
      const payload = JSON.parse(d.body);
      delete payload.occurred_at;
      return resign(d, 'istar-webhook', r.secret!, JSON.stringify(payload));
    });
    const report = await runChecks(target, [webhooks], {}, { fetch: viaRelay(sb, relay) });
    const failed = fails(report);
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((f) => /: payload: The order\.(completed|failed) payload does not match the spec: .*occurred_at/.test(f))).toBe(true);
  });

  it('Starship: a voucher code in a signed payload fails', async () => {
    const { sb, target } = await start('starship');
    const relay = await startRelay((d, r) => {
      const payload = JSON.parse(d.body);
      if (payload.event !== 'order.delivered' || !r.codes.length) return d;
      payload.data.reference = r.codes[0];
      return resign(d, 'starship-webhook', r.secret!, JSON.stringify(payload));
    });
    const report = await runChecks(target, [webhooks], {}, { fetch: viaRelay(sb, relay) });
    expect(fails(report)).toEqual([expect.stringMatching(/^delivery #\d+ order\.delivered evt_\w+: the payload carries a voucher code \(from vouchers\)/)]);
  });

  it('ODM: an implementation that never retries (a refused delivery counts as delivered) fails', async () => {
    const { sb, target } = await start('odm');
    const relay = await startRelay((d) => d, () => 200);
    const report = await runChecks(target, [webhooks], {}, { fetch: viaRelay(sb, relay) });
    const failed = fails(report);
    expect(failed.filter((f) => /^retry of delivery #[12] .*: refused with 500, never delivered again/.test(f))).toHaveLength(REFUSE_FIRST);
    expect(failed).toEqual(expect.arrayContaining([expect.stringMatching(/^every event acknowledged: never acknowledged: evt_/)]));
  });

  it('SIR Giving: a retry under a new event id fails', async () => {
    const { sb, target } = await start('sirgiving');
    const seen = new Set<string>();
    const secret = sb.instance.credentials.pending!.signing!.secret!;
    let n = 0;
    const relay = await startRelay((d) => {
      const payload = JSON.parse(d.body);
      if (!seen.has(payload.id)) return seen.add(payload.id), d;
      payload.id = (0xf0000000 + n++).toString(16) + '0'.repeat(16);
      return resign(d, 'sirgiving-webhook', secret, JSON.stringify(payload));
    });
    const report = await runChecks(target, [webhooks], {}, { fetch: viaRelay(sb, relay) });
    const failed = fails(report);
    expect(failed.filter((f) => /^retry of delivery #[12] partner\.status_changed .*: refused with 500, never delivered again/.test(f))).toHaveLength(REFUSE_FIRST);
    expect(failed).toEqual(expect.arrayContaining([expect.stringMatching(/^every event acknowledged: never acknowledged/)]));
  });
});
