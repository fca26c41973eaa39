import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { getScheme, isSchemeId, SCHEME_IDS, sign, SignatureVerificationError } from '../../signing/index.ts';
import type { SchemeDeclaration } from '../../signing/index.ts';
import { UsageError } from '../errors.ts';

// Flags shared by `accord sign` and `accord verify`. Secrets can come from the environment because
// a --secret on the command line is visible to every user in `ps`.

export const SECRET_ENV = 'ACCORD_SECRET';

export interface CommonFlags {
  scheme?: string;
  method?: string;
  path?: string;
  query?: string;
  bodyFile?: string;
  header: string[];
  secret: string[];
  secretEnv?: string;
}

export const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function schemeFlag(id: string | undefined): SchemeDeclaration {
  if (!id) throw new UsageError('--scheme is required (one of ' + SCHEME_IDS.join(', ') + ')');
  if (!isSchemeId(id)) throw new UsageError(`--scheme: unknown scheme "${id.slice(0, 64)}" (expected one of ${SCHEME_IDS.join(', ')})`);
  return getScheme(id);
}

/** Unix seconds as an integer; anything else names the flag. */
export function integerFlag(flag: string, value: string): number {
  if (!/^(0|[1-9][0-9]{0,14})$/.test(value)) throw new UsageError(`${flag} must be an integer (unix seconds), got "${value.slice(0, 32)}"`);
  return Number(value);
}

/** `--secret` (repeatable), else `--secret-env NAME`, else $ACCORD_SECRET. */
export function secretsFlag(scheme: SchemeDeclaration, flags: CommonFlags): string[] {
  if (flags.secret.length) return flags.secret;
  const env = flags.secretEnv ?? SECRET_ENV;
  const value = process.env[env];
  if (flags.secretEnv && !value) throw new UsageError(`--secret-env: environment variable ${flags.secretEnv} is not set or empty`);
  if (value) return [value];
  throw new UsageError(`--secret is required for scheme ${scheme.id} (${scheme.keyName}); or pass --secret-env NAME, or set ${SECRET_ENV}`);
}

export function readFileFlag(flag: string, file: string): Buffer {
  try {
    return readFileSync(file === '-' ? 0 : file);
  } catch (err) {
    throw new UsageError(`${flag}: cannot read "${file}" (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

/** `Name: value` pairs. */
export function headersFlag(values: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const raw of values) {
    const colon = raw.indexOf(':');
    if (colon <= 0) throw new UsageError(`--header must look like 'Name: value', got "${raw.slice(0, 40)}"`);
    headers[raw.slice(0, colon).trim()] = raw.slice(colon + 1).trim();
  }
  return headers;
}

/** Request schemes bind a path; webhooks do not need one. */
export function pathFlag(scheme: SchemeDeclaration, path: string | undefined): string {
  if (scheme.use === 'webhook') return path ?? '/';
  if (!path) throw new UsageError(`--path is required for scheme ${scheme.id} (the URL path as sent, without the query)`);
  if (!path.startsWith('/') || path.includes('?')) throw new UsageError(`--path must start with "/" and carry no query (pass it with --query), got "${path.slice(0, 80)}"`);
  return path;
}

/** Engine errors about keys or input are usage errors here: exit 2, one line. */
export function asUsageError(err: unknown, flag: string): never {
  if (err instanceof SignatureVerificationError && (err.code === 'invalid_key' || err.code === 'invalid_input' || err.code === 'unknown_scheme')) {
    throw new UsageError(`${flag}: ${err.message}`);
  }
  throw err;
}

export function addCommonOptions(cmd: Command): Command {
  return cmd
    .option('--scheme <id>', `signing scheme (required): ${SCHEME_IDS.join(', ')}`)
    .option('--secret <secret>', 'HMAC secret; repeat on verify for a rotation (visible in ps: prefer --secret-env or ACCORD_SECRET)', collect, [])
    .option('--secret-env <name>', `read the HMAC secret from this environment variable (default ${SECRET_ENV})`)
    .option('--method <method>', 'HTTP method', 'GET')
    .option('--path <path>', 'URL path as sent, without the query')
    .option('--query <query>', 'query string as on the wire, without "?"', '')
    .option('--body-file <file>', 'raw body bytes ("-" for stdin; default: empty body)')
    .option('--header <header>', "a header 'Name: value' (repeatable)", collect, []);
}

interface SignFlags extends CommonFlags {
  privateKeyFile?: string;
  timestamp?: string;
}

/** `accord sign --scheme ID …`: prints {canonical, signature, headers} as JSON. */
export function registerSign(program: Command): void {
  addCommonOptions(program.command('sign').description('sign a request or webhook and print the canonical string, signature and headers as JSON'))
    .option('--private-key-file <pem>', 'Ed25519 private key (PKCS#8 PEM) for odm-ed25519 and odm-callback')
    .option('--timestamp <unix>', 'unix seconds to sign at (default: now)')
    .action((flags: SignFlags) => {
      const scheme = schemeFlag(flags.scheme);
      const timestamp = flags.timestamp === undefined ? undefined : integerFlag('--timestamp', flags.timestamp);
      const path = pathFlag(scheme, flags.path);
      const headers = headersFlag(flags.header);
      const body = flags.bodyFile ? readFileFlag('--body-file', flags.bodyFile) : Buffer.alloc(0);
      let key: { secret: string } | { privateKey: string };
      let keyFlag: string;
      if (scheme.key === 'secret') {
        key = { secret: secretsFlag(scheme, flags)[0]! };
        keyFlag = '--secret';
      } else {
        if (!flags.privateKeyFile) throw new UsageError(`--private-key-file is required for scheme ${scheme.id} (${scheme.keyName})`);
        key = { privateKey: readFileFlag('--private-key-file', flags.privateKeyFile).toString('utf8') };
        keyFlag = '--private-key-file';
      }
      let result;
      try {
        result = sign(scheme.id, { method: flags.method ?? 'GET', path, query: flags.query ?? '', body, headers, ...(timestamp === undefined ? {} : { timestamp }), ...key });
      } catch (err) {
        asUsageError(err, keyFlag);
      }
      const out: Record<string, unknown> =
        result.canonical === undefined ? { canonical_base64: result.canonicalBytes.toString('base64') } : { canonical: result.canonical };
      out.signature = result.signature;
      out.headers = result.headers;
      const intermediates: Record<string, string> = {};
      if (result.intermediates.sortedQuery !== undefined) intermediates.sorted_query = result.intermediates.sortedQuery;
      if (result.intermediates.bodySha256 !== undefined) intermediates.body_sha256 = result.intermediates.bodySha256;
      out.intermediates = intermediates;
      process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    });
}
