/**
 * newman's Node API for the Postman tests: one run with the cli, junit and json reporters, whose
 * outputs (the cli reporter's stdout, both exported files, the scripts' console) come back as text.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { vi } from 'vitest';

const require = createRequire(import.meta.url);

interface HeaderLike {
  get(name: string): string | undefined;
  has(name: string): boolean;
}
export interface NewmanExecution {
  item: { id: string; name: string };
  request: { method: string; url: { toString(): string }; headers: HeaderLike };
  response?: { code: number; stream?: Buffer; text(): string };
  assertions?: Array<{ assertion: string; error?: { message: string } }>;
}
export interface NewmanSummary {
  run: {
    executions: NewmanExecution[];
    failures: Array<{ error: { name: string; message: string; test?: string }; source?: { name?: string } }>;
    stats: Record<string, { total: number; failed: number }>;
  };
}
interface NewmanEmitter {
  on(event: 'console', listener: (err: Error | null, args: { level: string; messages: unknown[] }) => void): NewmanEmitter;
}
const newman = require('newman') as { run(options: object, callback: (err: Error | null, summary: NewmanSummary) => void): NewmanEmitter };

export interface NewmanRun {
  summary: NewmanSummary;
  /** What the cli reporter printed. */
  cli: string;
  junit: string;
  /** The json reporter's file, as written. */
  jsonText: string;
  json: any;
  /** Every console message the scripts logged. */
  console: string[];
  /** Executions by the generated item id. */
  byItem: Map<string, NewmanExecution>;
}

let counter = 0;

/** A read of an accord sandbox's control API made from a test script (pm.sendRequest). */
export const isControlRead = (e: NewmanExecution) => String(e.request?.url ?? '').includes('/_accord/');

/** Runs a collection with newman; not concurrent-safe (it captures process.stdout while it runs). */
export async function runNewman(options: { collection: object; environment?: object; folder?: string; delayRequest?: number }, dir: string): Promise<NewmanRun> {
  const n = ++counter;
  const junitFile = path.join(dir, `run-${n}.junit.xml`);
  const jsonFile = path.join(dir, `run-${n}.json`);
  let cli = '';
  const consoleMessages: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
    cli += String(chunk);
    return true;
  });
  let summary: NewmanSummary;
  try {
    summary = await new Promise<NewmanSummary>((resolve, reject) => {
      newman
        .run(
          {
            ...options,
            reporters: ['cli', 'junit', 'json'],
            reporter: { junit: { export: junitFile }, json: { export: jsonFile } },
            color: 'off',
            timeoutRequest: 20_000,
          },
          (err, s) => (err ? reject(err) : resolve(s)),
        )
        .on('console', (_err, args) => consoleMessages.push(args.messages.map(String).join(' ')));
    });
  } finally {
    spy.mockRestore();
  }
  const jsonText = fs.readFileSync(jsonFile, 'utf8');
  return {
    summary,
    cli,
    junit: fs.readFileSync(junitFile, 'utf8'),
    jsonText,
    json: JSON.parse(jsonText),
    console: consoleMessages,
        // newman reports a script's pm.sendRequest (ODM's OTP read from the control API) as a second
    // execution of the same item, and shows that request on both: the first is the item's answer.
    byItem: new Map([...summary.run.executions].reverse().map((e) => [e.item.id, e])),
  };
}

/** A port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/** Paths in a JSON value where a string contains `needle` (e.g. `environment.values.3.value`). */
export function locate(value: unknown, needle: string, at: string[] = []): string[] {
  if (typeof value === 'string') return value.includes(needle) ? [at.join('.')] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => locate(v, needle, [...at, String(i)]));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => locate(v, needle, [...at, k]));
  return [];
}
