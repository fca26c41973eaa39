import { Command, CommanderError } from 'commander';
import { UsageError } from './errors.ts';
import { ACCORD_VERSION } from './version.ts';
type Register = (program: Command) => void;

/**
 * Every command, by name, loaded only when it runs: `accord sign` does not pay for the code
 * generators or the sandboxes. A new command is one line here (its module exports `register…`).
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  all: () => import('./commands/all.ts').then((m) => m.registerAll),
  lint: () => import('./commands/lint.ts').then((m) => m.registerLint),
  validate: () => import('./commands/validate.ts').then((m) => m.registerValidate),
  generate: () => import('./commands/generate.ts').then((m) => m.registerGenerate),
  sign: () => import('./commands/sign.ts').then((m) => m.registerSign),
  verify: () => import('./commands/verify.ts').then((m) => m.registerVerify),
  vectors: () => import('./commands/vectors.ts').then((m) => m.registerVectors),
  mock: () => import('./commands/mock.ts').then((m) => m.registerMock),
  serve: () => import('./commands/serve.ts').then((m) => m.registerServe),
  check: () => import('./commands/check.ts').then((m) => m.registerCheck),
  docs: () => import('./commands/docs.ts').then((m) => m.registerDocs),
  diff: () => import('./commands/diff.ts').then((m) => m.registerDiff),
  postman: () => import('./commands/postman.ts').then((m) => m.registerPostman),
  bench: () => import('./commands/bench.ts').then((m) => m.registerBench),
  proxy: () => import('./commands/proxy.ts').then((m) => m.registerProxy),
  mutants: () => import('./commands/mutants.ts').then((m) => m.registerMutants),
  'check-signer': () => import('./commands/check-signer.ts').then((m) => m.registerCheckSigner),
  pack: () => import('./commands/pack.ts').then((m) => m.registerPack),
};

/** The program with the named command registered, or all of them (help, unknown names). */
export async function buildProgram(commandName?: string): Promise<Command> {
  const program = new Command('accord')
    .description('Contract-first toolkit for partner APIs: specs, signers, generators, sandboxes and a contract harness.')
    .version(ACCORD_VERSION, '-V, --version', "print accord's version")
    // commander's own errors are printed by main() in accord's one-line style, not here
    .configureOutput({ outputError: () => undefined })
    .exitOverride();
  const names = commandName && commandName in COMMANDS ? [commandName] : commandName === '--version' || commandName === '-V' ? [] : Object.keys(COMMANDS);
  // The first run compiles accord's TypeScript (tsx caches it): on a terminal, say so when it takes a while.
  const slow = process.stderr.isTTY ? setTimeout(() => process.stderr.write(`accord: loading ${names.length === 1 ? names[0] : 'the commands'}… (the first run compiles accord's TypeScript sources; later runs start faster)\n`), 2000) : undefined;
  try {
    for (const name of names) (await COMMANDS[name]!())(program);
  } finally {
    clearTimeout(slow);
  }
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}

/** Runs the CLI and returns the exit code: 0 ok, 1 a failed check, 2 usage or configuration error. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = await buildProgram(argv[2]);
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version are "errors" to commander but successes to the user
      if (err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      process.stderr.write(`${commanderErrorLine(err, argv[2])}\n`);
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

/** commander's "error: unknown option '--bogus'\n(Did you mean --base?)" as accord's one line. */
export function commanderErrorLine(err: CommanderError, commandName: string | undefined): string {
  const message = err.message.replace(/^error:\s*/, '').split('\n').map((l) => l.trim()).filter(Boolean).join(' ');
  const help = commandName && commandName in COMMANDS ? `accord ${commandName} --help` : 'accord --help';
  return `accord: ${message} (${help} shows the usage)`;
}
