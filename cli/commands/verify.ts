import type { Command } from 'commander';
import { SignatureVerificationError, verify } from '../../signing/index.ts';
import { UsageError } from '../errors.ts';
import { addCommonOptions, asUsageError, collect, headersFlag, integerFlag, pathFlag, readFileFlag, schemeFlag, secretsFlag, type CommonFlags } from './sign.ts';

interface VerifyFlags extends CommonFlags {
  publicKeyFile: string[];
  now?: string;
}

/** `accord verify --scheme ID … --header 'Name: value' …`: exit 0 valid, 1 invalid (code printed), 2 usage. */
export function registerVerify(program: Command): void {
  addCommonOptions(program.command('verify').description('verify a signed request or webhook: exit 0 valid, 1 invalid (prints the error code), 2 usage error'))
    .option('--public-key-file <pem>', 'Ed25519 public key (SPKI PEM), repeatable for a rotation', collect, [])
    .option('--now <unix>', "verifier's clock in unix seconds (default: now)")
    .action((flags: VerifyFlags) => {
      const scheme = schemeFlag(flags.scheme);
      const now = flags.now === undefined ? undefined : integerFlag('--now', flags.now);
      const path = pathFlag(scheme, flags.path);
      const headers = headersFlag(flags.header);
      const body = flags.bodyFile ? readFileFlag('--body-file', flags.bodyFile) : Buffer.alloc(0);
      let keys: { secret: string[] } | { publicKey: string[] };
      let keyFlag: string;
      if (scheme.key === 'secret') {
        keys = { secret: secretsFlag(scheme, flags) };
        keyFlag = '--secret';
      } else {
        if (!flags.publicKeyFile.length) throw new UsageError(`--public-key-file is required for scheme ${scheme.id} (the public key of ${scheme.keyName})`);
        keys = { publicKey: flags.publicKeyFile.map((f) => readFileFlag('--public-key-file', f).toString('utf8')) };
        keyFlag = '--public-key-file';
      }
      try {
        const result = verify(scheme.id, { method: flags.method ?? 'GET', path, query: flags.query ?? '', headers, body, ...(now === undefined ? {} : { now }), ...keys });
        const skew = result.skewSeconds === undefined ? '' : `, skew ${result.skewSeconds} s`;
        process.stdout.write(`valid ${scheme.id} (key ${result.keyIndex + 1}, signature ${result.signatureIndex + 1}${skew})\n`);
        process.exitCode = 0;
      } catch (err) {
        if (err instanceof SignatureVerificationError && err.code !== 'invalid_key' && err.code !== 'invalid_input' && err.code !== 'unknown_scheme') {
          process.stdout.write(`invalid ${err.code}: ${err.message}\n`);
          process.exitCode = 1;
          return;
        }
        asUsageError(err, keyFlag);
      }
    });
}
