import type { Command } from 'commander';
import { startProxy } from '../../harness/proxy.ts';
import { UsageError } from '../errors.ts';
import { providersFromArgs } from '../providers-arg.ts';

/** A Prism log line that reports a violation (Prism prints them at error or warning level). */
const VIOLATION = /violation/i;

/** `accord proxy <provider> --upstream URL [--port N]`: Prism's validation proxy, until Ctrl-C. */
export function registerProxy(program: Command): void {
  program
    .command('proxy')
    .description("Prism's validation proxy in front of any implementation: every request and answer checked against the spec (violations in the sl-violations answer header and printed here)")
    .argument('<provider>', 'starship, istar, sirgiving or odm')
    .requiredOption('--upstream <url>', 'base URL of the implementation, with or without the base path (e.g. http://127.0.0.1:4100/api/v1)')
    .option('--port <n>', 'port to listen on (default: a free one)')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--errors', 'answer requests that break the spec in Prism (401/422) instead of forwarding them')
    .option('--verbose', "print Prism's whole log, not only the violations")
    .action(async (name: string, opts: { upstream: string; port?: string; host: string; errors?: boolean; verbose?: boolean }) => {
      const [provider] = providersFromArgs([name]);
      try {
        const url = new URL(opts.upstream);
        if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error();
      } catch {
        throw new UsageError(`--upstream must be an http(s) URL, got "${opts.upstream}"`);
      }
      const port = opts.port === undefined ? undefined : Number(opts.port);
      if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) throw new UsageError(`--port must be a port number, got "${opts.port}"`);
      const proxy = await startProxy(provider!, {
        upstream: opts.upstream,
        host: opts.host,
        ...(port !== undefined ? { port } : {}),
        ...(opts.errors ? { errors: true } : {}),
        log: (line) => {
          if (opts.verbose || VIOLATION.test(line)) process.stdout.write(`[prism] ${line}\n`);
        },
      });
      process.stdout.write(`${provider!.id} validation proxy ${proxy.url} → ${proxy.upstream}\n`);
      process.stdout.write(`violations: the sl-violations header of each answer${opts.errors ? '; requests that break the spec are answered by Prism' : ''}. Ctrl-C stops.\n`);
      await new Promise<void>((resolve) => {
        const shutdown = () => void proxy.stop().then(resolve);
        process.once('SIGINT', shutdown);
        process.once('SIGTERM', shutdown);
        proxy.process.once('exit', (code) => {
          if (code) process.stderr.write(`accord: Prism's proxy exited with code ${code}\n`);
          resolve();
        });
      });
      process.exitCode = 0;
    });
}
