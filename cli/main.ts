import { Command, CommanderError } from 'commander';
import { UsageError } from './errors.ts';
import { registerAll } from './commands/all.ts';
import { registerBench } from './commands/bench.ts';
import { registerCheck } from './commands/check.ts';
import { registerGenerate } from './commands/generate.ts';
import { registerLint } from './commands/lint.ts';
import { registerMock } from './commands/mock.ts';
import { registerServe } from './commands/serve.ts';
import { registerValidate } from './commands/validate.ts';
import { registerSign } from './commands/sign.ts';
import { registerVerify } from './commands/verify.ts';
import { registerVectors } from './commands/vectors.ts';

/** Every command module registers itself here; a new command is one import and one line. */
const COMMANDS = [registerAll, registerLint, registerValidate, registerGenerate, registerSign, registerVerify, registerVectors, registerMock, registerBench, registerServe, registerCheck];

export function buildProgram(): Command {
  const program = new Command('accord')
    .description('Contract-first toolkit for partner APIs: specs, signers, generators, sandboxes and a contract harness.')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const register of COMMANDS) register(program);
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}

/** Runs the CLI and returns the exit code: 0 ok, 1 a failed check, 2 usage or configuration error. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version are "errors" to commander but successes to the user
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return 2;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`accord: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`accord: ${(err as Error).message ?? String(err)}\n`);
    return 2;
  }
}
