import path from 'node:path';
import type { Command } from 'commander';
import { mask, SANDBOX_PORT_BASE, serveSandboxes } from '../../sandbox/serve.ts';
import { CONTROL_TOKEN_HEADER } from '../../sandbox/control.ts';
import { UsageError } from '../errors.ts';
import { startProgress } from '../progress.ts';
import { providersFromArgs } from '../providers-arg.ts';

/** Relative to the working directory (the user's project, not the installed package). */
export const DEFAULT_DATA_DIR = path.join('.accord', 'sandbox');

/** `accord serve [provider…]`: the stateful sandboxes, until Ctrl-C. */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the reference sandboxes: 4100 starship, 4101 istar, 4102 sirgiving, 4103 odm (Ctrl-C stops)')
    .argument('[providers...]', 'starship, istar, sirgiving, odm (default: all)')
    .option('--port-base <n>', 'first port', String(SANDBOX_PORT_BASE))
    .option('--data-dir <dir>', 'where state and credentials.json live', DEFAULT_DATA_DIR)
    .option('--memory', 'throw-away state (nothing written but the credentials file)')
    .option('--credentials <file>', 'credentials file to write (default <data-dir>/credentials.json)')
    .option('--rate-limit-scale <x>', 'multiply the documented rate limits (e.g. 0.01 to reach them fast)')
    .option('--host <address>', 'address to listen on; beyond loopback the control API (/_accord) needs a token', '127.0.0.1')
    .option('--control-token <token>', 'the control token to require (default: a fresh one when --host is not loopback)')
    .option('--production-mode', "behave like production where it differs (Starship's X-Automation-Request ban)")
    .action(async (names: string[], opts: { portBase: string; dataDir: string; memory?: boolean; credentials?: string; rateLimitScale?: string; productionMode?: boolean; host: string; controlToken?: string }) => {
      const portBase = Number(opts.portBase);
      if (!Number.isInteger(portBase) || portBase < 1 || portBase > 65532) throw new UsageError(`--port-base must be a port number, got "${opts.portBase}"`);
      const scale = opts.rateLimitScale === undefined ? undefined : Number(opts.rateLimitScale);
      if (scale !== undefined && !(scale > 0)) throw new UsageError(`--rate-limit-scale must be a positive number, got "${opts.rateLimitScale}"`);
      if (opts.controlToken !== undefined && !/^[\x21-\x7E]{16,256}$/.test(opts.controlToken)) throw new UsageError('--control-token must be 16 to 256 printable ASCII characters without spaces');
      const dataDir = path.resolve(opts.dataDir);
      const providers = providersFromArgs(names);
      // A first start opens (or creates) each data folder and seeds it: say so while it happens.
      const progress = startProgress('starting the sandboxes', 1, { detail: `${providers.map((p) => p.id).join(', ')}${opts.memory ? ' (in memory)' : ` (state in ${dataDir})`}` });
      const running = await serveSandboxes(providers, {
        portBase,
        host: opts.host,
        ...(opts.controlToken !== undefined ? { controlToken: opts.controlToken } : {}),
        ...(opts.memory ? {} : { dataDir }),
        credentialsFile: path.resolve(opts.credentials ?? path.join(dataDir, 'credentials.json')),
        ...(scale !== undefined ? { rateLimitScale: scale } : {}),
        ...(opts.productionMode ? { mode: 'production' as const } : {}),
        replaceGlobalFetchClasses: true,
      }).finally(() => progress.stop());
      for (const s of running.sandboxes) {
        process.stdout.write(`${s.provider.padEnd(9)} ${s.baseUrl}   (control: ${s.url}/_accord)\n`);
        for (const [role, cred] of Object.entries(s.instance.credentials)) {
          const shown = Object.entries(cred.credentials).map(([k, v]) => `${k}=${mask(v)}`).join(' ');
          process.stdout.write(`          ${role.padEnd(12)} ${shown}${cred.signing ? `  signs with ${cred.signing.scheme}` : ''}\n`);
        }
      }
      process.stdout.write(`test credentials (full values): ${running.credentialsFile}\n`);
      // The key to the control API of a sandbox others can reach: printed in full once, to a
      // terminal (whoever started it hands it on); masked when stdout is a pipe or a log file, where
      // secrets never go. It is always in the credentials file (mode 0600).
      if (running.controlToken) {
        const shown = process.stdout.isTTY ? running.controlToken : `${mask(running.controlToken)} (full value in the credentials file: providers.<provider>.controlToken)`;
        process.stdout.write(`control API token (send it in ${CONTROL_TOKEN_HEADER}): ${shown}\n`);
      }
      process.stdout.write(`state: ${opts.memory ? 'in memory' : dataDir}; Ctrl-C stops.\n`);
      await new Promise<void>((resolve) => {
        const shutdown = () => void running.stop().then(resolve);
        process.once('SIGINT', shutdown);
        process.once('SIGTERM', shutdown);
      });
      process.exitCode = 0;
    });
}
