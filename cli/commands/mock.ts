import type { Command } from 'commander';
import { getProvider } from '../../contracts/providers.ts';
import { assertPortsFree, MOCK_PORT_BASE, MockPortInUseError, startMocks } from '../../mocks/prism.ts';
import { UsageError } from '../errors.ts';
import { startProgress } from '../progress.ts';
import { providersFromArgs } from '../providers-arg.ts';

/** One example request per provider: its first GET without path parameters. */
function exampleCurl(providerId: string, url: string): string {
  const headers: Record<string, string> = {
    starship: "-H 'X-API-Key: pk_test' -H 'X-API-Secret: sk_test'",
    istar: "-H 'API-Key: test_key'",
    sirgiving: `-H 'X-Partner-Key: pk_test_${'0'.repeat(64)}'`,
    odm: "-H 'X-API-Key: test_key' -H 'X-Timestamp: 0' -H 'X-Signature: mock'",
  };
  const path: Record<string, string> = {
    starship: '/products',
    istar: '/wallet/balance',
    sirgiving: '/partner/config',
    odm: '/partner/v1/access',
  };
  void getProvider(providerId);
  return `curl -s ${headers[providerId] ?? ''} '${url}${path[providerId] ?? '/'}'`;
}

/** `accord mock [provider…] [--port-base N] [--dynamic] [--seed S]`: Prism for every spec, until Ctrl-C. */
export function registerMock(program: Command): void {
  program
    .command('mock')
    .description('serve the specs with Prism: 4010 starship, 4011 istar, 4012 sirgiving, 4013 odm (Ctrl-C stops all)')
    .argument('[providers...]', 'starship, istar, sirgiving, odm (default: all)')
    .option('--port-base <n>', 'first port (providers take base+0..3)', String(MOCK_PORT_BASE))
    .option('--dynamic', 'generate responses from the schemas instead of serving the examples')
    .option('--seed <seed>', 'seed for --dynamic, for repeatable responses')
    .option('--verbose', "print Prism's own log")
    .action(async (names: string[], opts: { portBase: string; dynamic?: boolean; seed?: string; verbose?: boolean }) => {
      const portBase = Number(opts.portBase);
      if (!Number.isInteger(portBase) || portBase < 1 || portBase > 65532) throw new UsageError(`--port-base must be a port number, got "${opts.portBase}"`);
      if (opts.seed !== undefined && !opts.dynamic) throw new UsageError('--seed only applies with --dynamic');
      const providers = providersFromArgs(names);
      let set;
      const ready: string[] = [];
      try {
        await assertPortsFree(providers, portBase);
      } catch (err) {
        if (err instanceof MockPortInUseError) throw new UsageError(err.message);
        throw err;
      }
      const progress = startProgress('starting Prism (10-30 s)', providers.length, { detail: `for ${providers.map((p) => p.id).join(', ')}` });
      try {
        set = await startMocks(providers, {
          onReady: (p) => {
            ready.push(p);
            progress.update(ready.length, `ready: ${ready.join(', ')}`);
          },
          portBase,
          ...(opts.dynamic ? { dynamic: true } : {}),
          ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
          ...(opts.verbose ? { log: (p: string, line: string) => process.stdout.write(`[${p}] ${line}\n`) } : {}),
        });
      } catch (err) {
        if (err instanceof MockPortInUseError) throw new UsageError(err.message);
        throw err;
      } finally {
        progress.stop();
      }
      for (const m of set.mocks) {
        process.stdout.write(`${m.provider.padEnd(9)} ${m.url}\n          ${exampleCurl(m.provider, m.url)}\n`);
      }
      process.stdout.write("invalid requests get the provider's error envelope and documented 400 code (accord's router in front of Prism); valid ones Prism's examples.\n");
      process.stdout.write('Prism mocks running; Ctrl-C stops them.\n');
      const running = set;
      let stopping = false;
      await new Promise<void>((resolve, reject) => {
        const shutdown = () => {
          stopping = true;
          process.stdout.write('\nstopping mocks…\n');
          void running.stop().then(resolve);
        };
        process.once('SIGINT', shutdown);
        process.once('SIGTERM', shutdown);
        // A Prism that dies while serving ends the command with one line, not a silent exit.
        for (const m of running.mocks) {
          m.process.once('exit', (code, signal) => {
            if (stopping) return;
            stopping = true;
            process.off('SIGINT', shutdown);
            process.off('SIGTERM', shutdown);
            void running.stop().then(() => reject(new UsageError(`the ${m.provider} mock (Prism) stopped (${signal ?? `exit code ${code}`}); run accord mock ${m.provider} --verbose to see its log`)));
          });
        }
      });
      process.exitCode = 0;
    });
}
