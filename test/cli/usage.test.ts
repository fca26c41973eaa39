// accord's CLI as a new user meets it: a version, commander's own errors in accord's one-line style
// (exit 2), the provider of `check` required, and `accord mock` on a taken port: one line, exit 2.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../../cli/main.ts';
import { REPO_ROOT } from '../../contracts/providers.ts';

async function accord(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  process.exitCode = undefined;
  try {
    return { code: await main(['node', 'accord', ...args]), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = undefined;
  }
}

describe('accord --version', () => {
  it.each([['--version'], ['-V']])('%s prints the version of package.json, exit 0', async (flag) => {
    const r = await accord(flag);
    expect(r).toEqual({ code: 0, stdout: `${JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).version}\n`, stderr: '' });
  });
});

describe("commander's errors in accord's style: one line, exit 2", () => {
  it.each([
    { given: 'an unknown option', args: ['diff', '--bogus'], want: "accord: unknown option '--bogus' (accord diff --help shows the usage)" },
    { given: 'an unknown command', args: ['bogus'], want: "accord: unknown command 'bogus' (accord --help shows the usage)" },
    { given: 'check without its provider', args: ['check'], want: "accord: missing required argument 'provider' (accord check --help shows the usage)" },
    { given: 'an option without its value', args: ['sign', '--scheme'], want: "accord: option '--scheme <id>' argument missing (accord sign --help shows the usage)" },
  ])('$given', async ({ args, want }) => {
    const r = await accord(...args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`${want}\n`);
  });
});

describe('accord check <provider>', () => {
  it('shows the provider as required in the help', async () => {
    const r = await accord('check', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: accord check \[options\] <provider>$/m);
  });

  it('--list needs no provider', async () => {
    const r = await accord('check', '--list');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^response_schema +conformance /m);
    expect(r.stderr).toBe('');
  });
});

describe('accord mock on a taken port', () => {
  it('says which port is taken in one line and exits 2, without starting Prism', async () => {
    const blocker = net.createServer((socket) => socket.end('HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n'));
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      // A child process: before the fix the command printed "running" and never ended (exit 13 later).
      const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'accord.mjs'), 'mock', 'starship', '--port-base', String(port)], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c) => (stdout += c));
      child.stderr.on('data', (c) => (stderr += c));
      const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
      const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
      clearTimeout(timer);
      expect(code).toBe(2);
      expect(stdout).not.toContain('running');
      expect(stderr).toBe(`accord: port ${port} (starship mock) is in use: stop what listens there or choose another --port-base\n`);
    } finally {
      blocker.close();
    }
  }, 60_000);
});

describe('accord mock while Prism starts', () => {
  it('says what it is starting, and which mocks are ready, before the banner', async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'accord.mjs'), 'mock', 'istar', '--port-base', String(port - 1)], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no banner: ${stdout} ${stderr}`)), 60_000);
        child.stdout.on('data', () => stdout.includes('running') && (clearTimeout(timer), resolve()));
      });
      expect(stderr.split('\n')[0]).toMatch(/^starting Prism \(10-30 s\): 0\/1 for istar \(0 s\)$/);
      expect(stdout).toMatch(/Prism mocks running; Ctrl-C stops them\./);
      expect(stdout).toContain("invalid requests get the provider's error envelope and documented 400 code");
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  }, 90_000);
});
