/**
 * Transports to a signer under test: a long-lived process speaking JSON lines on stdin/stdout, or
 * an HTTP endpoint taking one JSON request per POST. Both pipeline requests (bounded in flight).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Answer, ProtocolRequest } from './types.ts';

export interface Transport {
  /** Sends one request; resolves with the answer, or with `{ error }` when none came. */
  call(request: ProtocolRequest): Promise<Answer>;
  close(): Promise<void>;
  /** For reports. */
  describe: string;
}

export class TransportError extends Error {}

interface Pending {
  resolve(answer: Answer): void;
  timer: NodeJS.Timeout;
}

/** The last lines a process wrote to stderr, for "it exited" messages. */
function tail(text: string): string {
  return text.trim().split('\n').slice(-3).join(' | ').slice(0, 400);
}

/** `sh -c COMMAND`, kept alive for the whole run; answers are matched to requests by `id`. */
export function commandTransport(command: string, options: { timeoutMs: number; cwd?: string }): Transport {
  const child: ChildProcessWithoutNullStreams = spawn(command, { shell: true, cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  const pending = new Map<string, Pending>();
  let stderr = '';
  let gone: string | undefined;
  const settle = (id: string, answer: Answer) => {
    const p = pending.get(id);
    if (!p) return;
    clearTimeout(p.timer);
    pending.delete(id);
    p.resolve(answer);
  };
  const failAll = (why: string) => {
    gone ??= why;
    for (const id of [...pending.keys()]) settle(id, { error: why });
  };
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => void (stderr = (stderr + chunk).slice(-4000)));
  child.on('error', (err) => failAll(`the command did not start: ${err.message}`));
  child.on('exit', (code, signal) => failAll(`the command exited (${signal ?? `code ${code}`})${stderr ? `: ${tail(stderr)}` : ''}`));
  child.stdin.on('error', () => void 0); // EPIPE when it exits: reported through 'exit'
  const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
  let order: string[] = [];
  let corked = false;
  lines.on('line', (line) => {
    if (!line.trim()) return;
    let answer: Answer;
    try {
      answer = JSON.parse(line) as Answer;
    } catch {
      const id = order.shift();
      if (id) settle(id, { error: `not a JSON line: ${JSON.stringify(line.slice(0, 120))}` });
      return;
    }
    // Answers carry the request id; one without is taken as the oldest outstanding request.
    const id = typeof answer.id === 'string' && pending.has(answer.id) ? answer.id : order.find((o) => pending.has(o));
    order = order.filter((o) => o !== id && pending.has(o));
    if (id) settle(id, answer);
  });
  return {
    describe: command,
    call(request) {
      if (gone) return Promise.resolve({ error: gone });
      return new Promise<Answer>((resolve) => {
        const timer = setTimeout(() => settle(request.id, { error: `no answer within ${options.timeoutMs} ms` }), options.timeoutMs);
        pending.set(request.id, { resolve, timer });
        order.push(request.id);
        // One write per tick for a batch of requests: a syscall per line showed in the bench.
        if (!corked) {
          corked = true;
          child.stdin.cork();
          process.nextTick(() => ((corked = false), child.stdin.uncork()));
        }
        child.stdin.write(`${JSON.stringify(request)}\n`);
      });
    },
    async close() {
      child.stdin.end();
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const kill = setTimeout(() => child.kill('SIGKILL'), 2000);
        child.once('exit', () => (clearTimeout(kill), resolve()));
      });
    },
  };
}

/** POSTs each request as JSON to `url`; the response body is the answer. */
export function httpTransport(url: string, options: { timeoutMs: number }): Transport {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TransportError(`--url must be an http(s) URL, got "${url.slice(0, 80)}"`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new TransportError(`--url must be an http(s) URL, got "${url.slice(0, 80)}"`);
  return {
    describe: parsed.origin + parsed.pathname,
    async call(request) {
      try {
        const res = await fetch(parsed, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request), signal: AbortSignal.timeout(options.timeoutMs) });
        const text = await res.text();
        if (!res.ok) return { error: `HTTP ${res.status}: ${text.slice(0, 120)}` };
        return JSON.parse(text) as Answer;
      } catch (err) {
        return { error: `no answer from ${parsed.origin}: ${(err as Error).message}` };
      }
    },
    async close() {},
  };
}

/** Runs `requests` through `transport` with at most `inFlight` outstanding; answers in request order. */
export async function callAll(transport: Transport, requests: readonly ProtocolRequest[], inFlight = 64): Promise<Answer[]> {
  const answers = new Array<Answer>(requests.length);
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const i = next++;
      answers[i] = await transport.call(requests[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, requests.length) }, worker));
  return answers;
}

/**
 * accord's own engine as a signer under test, in this process: the peer of the command protocol in
 * `make bench` (same cases, same judging, no process and no JSON lines).
 */
export async function engineTransport(): Promise<Transport> {
  const { sign, verify } = await import('../../signing/engine.ts');
  const { SignatureVerificationError } = await import('../../signing/errors.ts');
  return {
    describe: 'accord signing engine (in process)',
    async call(r) {
      const body = Buffer.from(r.body_base64, 'base64');
      try {
        if (r.op === 'sign') {
          const key = r.secret !== undefined ? { secret: r.secret } : { privateKey: r.private_key_pem! };
          const out = sign(r.scheme, { method: r.method, path: r.path, query: r.query, body, headers: r.headers, ...(r.timestamp === null ? {} : { timestamp: r.timestamp }), ...key });
          return { id: r.id, signature: out.signature, headers: out.headers, canonical_base64: out.canonicalBytes.toString('base64') };
        }
        const keys = r.secrets ? { secret: r.secrets } : { publicKey: r.public_keys_pem ?? [] };
        verify(r.scheme, { method: r.method, path: r.path, query: r.query, headers: r.headers, body, now: r.now, ...keys });
        return { id: r.id, valid: true };
      } catch (err) {
        if (err instanceof SignatureVerificationError) return r.op === 'verify' ? { id: r.id, valid: false, error: err.code } : { id: r.id, error: err.code };
        throw err;
      }
    },
    async close() {},
  };
}
