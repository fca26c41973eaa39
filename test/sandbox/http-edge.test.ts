// The sandboxes' HTTP edge over real sockets (issue 15, items 5 and 7): what Node's parser or the
// adapter used to answer with an empty 400/431 — or a reset — is answered in the provider's
// envelope with the status that names the problem, and the connection closes cleanly after the
// answer is written. Paths never normalise from the provider's base path into /_accord. Beyond
// loopback the control API needs the token the credentials file carries.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getProvider, type ProviderId } from '../../contracts/providers.ts';
import { basePathOf } from '../../runtime/contract.ts';
import { CONTROL_TOKEN_HEADER } from '../../sandbox/control.ts';
import { SANDBOXES } from '../../sandbox/registry.ts';
import { serveSandboxes, type CredentialsFile } from '../../sandbox/serve.ts';
import { tempDir } from '../support/fixtures.ts';
import { expectEnvelope } from './envelope.ts';

const PROVIDERS: ProviderId[] = ['starship', 'istar', 'sirgiving', 'odm'];

interface RawAnswer {
  status: number;
  head: string;
  body: string;
  /** The connection was reset (ECONNRESET) instead of closed after the answer. */
  reset: boolean;
}

/** Sends bytes on a fresh connection and reads until the server closes it. */
function rawExchange(port: number, bytes: Buffer | string): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let reset = false;
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', (e) => {
      reset = (e as NodeJS.ErrnoException).code === 'ECONNRESET' || (e as NodeJS.ErrnoException).code === 'EPIPE';
    });
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), head: text.slice(0, split), body: split < 0 ? '' : text.slice(split + 4), reset });
    });
    socket.write(bytes);
  });
}

const get = (target: string, headers = 'Host: sandbox.test\r\n') => `GET ${target} HTTP/1.1\r\n${headers}Connection: close\r\n\r\n`;

/** Given a base path, the raw request; want the status. */
const BAD_INPUTS: Array<[string, (base: string) => string | Buffer, number]> = [
  ['CR in a header value', (b) => `GET ${b}/x HTTP/1.1\r\nHost: h\r\nX-Bad: a\rb\r\n\r\n`, 400],
  ['LF in a header value', (b) => `GET ${b}/x HTTP/1.1\r\nHost: h\r\nX-Bad: a\nb:\r\n\r\n`, 400],
  ['NUL in a header value', (b) => `GET ${b}/x HTTP/1.1\r\nHost: h\r\nX-Bad: a\0b\r\n\r\n`, 400],
  ['a byte above 0x7F in the path', (b) => Buffer.concat([Buffer.from(`GET ${b}/caf`), Buffer.from([0xc3, 0xa9]), Buffer.from(' HTTP/1.1\r\nHost: h\r\n\r\n')]), 400],
  ['a 64 KB header', (b) => `GET ${b}/x HTTP/1.1\r\nHost: h\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`, 431],
  ['a 64 KB query', (b) => get(`${b}/x?q=${'a'.repeat(64 * 1024)}`), 414],
  ['a 1 MiB request line', (b) => get(`${b}/x?q=${'a'.repeat(1024 * 1024)}`), 414],
  ['Content-Length and Transfer-Encoding together', (b) => `POST ${b}/x HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`, 400],
  ['two different Content-Lengths', (b) => `POST ${b}/x HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello`, 400],
  ['no Host header', (b) => `GET ${b}/x HTTP/1.1\r\nConnection: close\r\n\r\n`, 400],
  ['an invalid Host header', (b) => get(`${b}/x`, 'Host: a b@c\r\n'), 400],
  ['a backslash in the path', (b) => get(`${b}\\..\\..\\_accord`), 400],
  ['%2e%2e segments out of the base path into /_accord', (b) => get(`${b}/%2e%2e/%2e%2e/%2e%2e/_accord/credentials`), 400],
  ['.. segments', (b) => get(`${b}/../../_accord`), 400],
  ['a malformed chunked body', (b) => `POST ${b}/x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n`, 400],
];

describe('bad input below the router, on real sockets', () => {
  let running: Awaited<ReturnType<typeof serveSandboxes>>;
  const portOf = (id: ProviderId) => Number(new URL(running.sandboxes.find((s) => s.provider === id)!.url).port);
  const table: Array<{ provider: ProviderId; input: string; status: number; envelope: boolean; reset: boolean }> = [];

  beforeAll(async () => {
    running = await serveSandboxes(PROVIDERS.map(getProvider), { portBase: 0 });
  });
  afterAll(async () => {
    // The status table of this run (the acceptance asks for it): every answer a 4xx in the envelope.
    console.log(table.map((r) => `${r.provider.padEnd(9)} ${String(r.status).padEnd(4)} ${r.envelope ? 'envelope' : 'NO ENVELOPE'}${r.reset ? ' RESET' : ''}  ${r.input}`).join('\n'));
    await running.stop();
  });

  for (const id of PROVIDERS) {
    it.each(BAD_INPUTS)(`${id}: %s → %i in the envelope, then a clean close`, async (input, build, status) => {
      const base = basePathOf(SANDBOXES[id]!.contract);
      const answer = await rawExchange(portOf(id), build(base));
      let envelope = false;
      try {
        expectEnvelope(id, JSON.parse(answer.body));
        envelope = true;
      } catch {
        envelope = false;
      }
      table.push({ provider: id, input, status: answer.status, envelope, reset: answer.reset });
      expect(answer.status).toBe(status);
      expect(answer.head).toMatch(/\r\nContent-Type: application\/json/i);
      expectEnvelope(id, JSON.parse(answer.body));
      expect(answer.body).not.toMatch(/credentials|_accord/);
      expect(answer.reset).toBe(false);
    });
  }

  it.each(PROVIDERS)('%s: a good request on the same server still works (keep-alive untouched)', async (id) => {
    const answer = await rawExchange(portOf(id), get('/_accord/clock'));
    expect(answer.status).toBe(200);
  });
});

describe('the control token beyond loopback', () => {
  it('listening on 0.0.0.0: a token is generated, written to the credentials file, and required', async () => {
    const dir = tempDir('accord-control-token-');
    const credentialsFile = path.join(dir, 'credentials.json');
    const running = await serveSandboxes([getProvider('starship'), getProvider('odm')], { portBase: 0, host: '0.0.0.0', credentialsFile });
    try {
      const file = JSON.parse(fs.readFileSync(credentialsFile, 'utf8')) as CredentialsFile;
      for (const s of running.sandboxes) {
        const token = file.providers[s.provider]!.controlToken!;
        expect(token).toMatch(/^act_[A-Za-z0-9_-]{43}$/);
        const port = new URL(s.url).port;
        const at = (p: string) => `http://127.0.0.1:${port}${p}`;
        expect((await fetch(at('/_accord/credentials'))).status).toBe(401);
        expect((await fetch(at('/_accord/credentials'), { headers: { [CONTROL_TOKEN_HEADER]: `${token}x` } })).status).toBe(401);
        expect((await fetch(at('/_accord/clock/advance'), { method: 'POST', body: '{"seconds":60}' })).status).toBe(401);
        const ok = await fetch(at('/_accord/credentials'), { headers: { [CONTROL_TOKEN_HEADER]: token } });
        expect(ok.status).toBe(200);
      }
    } finally {
      await running.stop();
    }
  });

  it('on loopback: no token (the control API is as before)', async () => {
    const dir = tempDir('accord-control-token-');
    const credentialsFile = path.join(dir, 'credentials.json');
    const running = await serveSandboxes([getProvider('istar')], { portBase: 0, credentialsFile });
    try {
      const file = JSON.parse(fs.readFileSync(credentialsFile, 'utf8')) as CredentialsFile;
      expect(file.providers.istar!.controlToken).toBeUndefined();
      expect((await fetch(`${running.sandboxes[0]!.url}/_accord/clock`)).status).toBe(200);
    } finally {
      await running.stop();
    }
  });
});
