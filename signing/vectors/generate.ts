import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isUtf8 } from 'node:buffer';
import { createHmac, sign as edSign, createPrivateKey } from 'node:crypto';
import { sign, verify } from '../engine.ts';
import { SignatureVerificationError } from '../errors.ts';
import { signatureHeaders } from '../headers.ts';
import { SCHEMES } from '../schemes/index.ts';
import type { SchemeDeclaration, SignInput, VerifyInput } from '../types.ts';
import { casesFor, type KeyName, type Req, type Tools } from './cases.ts';
import { bodyJson, VECTOR_FORMAT, type NegativeVectorJson, type PositiveVectorJson, type VectorFileJson, type VerifyKeysJson } from './format.ts';
import { TEST_KEYPAIRS, TEST_SECRETS } from './test-keys.ts';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** specs/<provider>/vectors/<scheme>.json */
export function vectorPath(scheme: SchemeDeclaration): string {
  return path.join(REPO_ROOT, 'specs', scheme.provider, 'vectors', `${scheme.id}.json`);
}

const CANONICAL_TEXT: Record<SchemeDeclaration['canonical'], string> = {
  'five-line': 'METHOD "\\n" PATH "\\n" SORTED_QUERY "\\n" SHA256_HEX(body) "\\n" TIMESTAMP',
  concat: 'TIMESTAMP METHOD PATH RAW_BODY (concatenated, no separators)',
  'timestamp-dot-body': 'TIMESTAMP "." RAW_BODY',
  'body-only': 'RAW_BODY',
};

function signingKey(scheme: SchemeDeclaration, name: KeyName): Pick<SignInput, 'secret' | 'privateKey'> {
  return scheme.key === 'secret' ? { secret: TEST_SECRETS[scheme.id]![name] } : { privateKey: TEST_KEYPAIRS[scheme.id]![name].privateKeyPem };
}

function verifyKeysJson(scheme: SchemeDeclaration, names: KeyName[]): VerifyKeysJson {
  return scheme.key === 'secret'
    ? { secrets: names.map((n) => TEST_SECRETS[scheme.id]![n]) }
    : { public_keys_pem: names.map((n) => TEST_KEYPAIRS[scheme.id]![n].publicKeyPem) };
}

function verifyKeys(scheme: SchemeDeclaration, names: KeyName[]): Pick<VerifyInput, 'secret' | 'publicKey'> {
  return scheme.key === 'secret' ? { secret: names.map((n) => TEST_SECRETS[scheme.id]![n]) } : { publicKey: names.map((n) => TEST_KEYPAIRS[scheme.id]![n].publicKeyPem) };
}

function signInput(scheme: SchemeDeclaration, req: Req, timestamp: number, key: KeyName): SignInput {
  return { method: req.method, path: req.path, query: req.query, body: req.body, headers: req.headers, timestamp, ...signingKey(scheme, key) };
}

function tools(scheme: SchemeDeclaration): Tools {
  return {
    sign: (req, timestamp, key = 'primary') => sign(scheme.id, signInput(scheme, req, timestamp, key)),
    signBytes: (bytes, key = 'primary') => {
      const k = signingKey(scheme, key);
      const raw = k.secret !== undefined ? createHmac('sha256', k.secret).update(bytes).digest() : edSign(null, bytes, createPrivateKey(k.privateKey as string));
      return raw.toString(scheme.encoding);
    },
    header: (signature, timestamp) => signatureHeaders(scheme, String(timestamp), signature),
  };
}

function fail(scheme: SchemeDeclaration, id: string, message: string): Error {
  return new Error(`vector ${scheme.id}/${id}: ${message}`);
}

/** Builds one scheme's vector file from the declared cases, checking every declared outcome. */
export function buildVectorFile(scheme: SchemeDeclaration): VectorFileJson {
  const t = tools(scheme);
  const { positive, negative } = casesFor(scheme);
  const timed = scheme.windowSeconds !== null;

  const positives = positive.map((c): PositiveVectorJson => {
    const signed = t.sign(c.request, c.timestamp, c.signWith ?? 'primary');
    const headers = c.presentHeaders ? c.presentHeaders(signed.headers, t) : signed.headers;
    const seen = { method: c.presented?.method ?? c.request.method, path: c.presented?.path ?? c.request.path, query: c.presented?.query ?? c.request.query };
    const verifyAt = c.verifyAt ?? c.timestamp;
    const verifyWith = c.verifyWith ?? ['primary'];
    try {
      verify(scheme.id, { ...seen, headers, body: c.request.body, now: verifyAt, ...verifyKeys(scheme, verifyWith) });
    } catch (err) {
      throw fail(scheme, c.id, `declared valid but the engine says ${(err as Error).message}`);
    }
    const intermediates: PositiveVectorJson['intermediates'] = {};
    if (signed.intermediates.sortedQuery !== undefined) intermediates.sorted_query = signed.intermediates.sortedQuery;
    if (signed.intermediates.bodySha256 !== undefined) intermediates.body_sha256 = signed.intermediates.bodySha256;
    if (isUtf8(signed.canonicalBytes)) intermediates.canonical = signed.canonicalBytes.toString('utf8');
    else intermediates.canonical_base64 = signed.canonicalBytes.toString('base64');
    const key = signingKey(scheme, c.signWith ?? 'primary');
    return {
      id: c.id,
      description: c.description,
      input: {
        method: c.request.method,
        path: c.request.path,
        query: c.request.query,
        headers: c.request.headers,
        ...bodyJson(c.request.body),
        timestamp: timed ? c.timestamp : null,
        ...(key.secret !== undefined ? { secret: key.secret as string } : { private_key_pem: key.privateKey as string }),
      },
      intermediates,
      signature: signed.signature,
      headers: signed.headers,
      verify: { verify_at: verifyAt, ...seen, headers, ...verifyKeysJson(scheme, verifyWith) },
    };
  });

  const negatives = negative.map((c): NegativeVectorJson => {
    const signed = t.sign(c.request, c.timestamp, c.signWith ?? 'primary');
    const seen: Req = { ...c.request, ...c.presented };
    const headers = c.presentHeaders ? c.presentHeaders(signed.headers, t) : signed.headers;
    const verifyAt = c.verifyAt ?? c.timestamp;
    const verifyWith = c.verifyWith ?? ['primary'];
    let code = 'valid';
    try {
      verify(scheme.id, { method: seen.method, path: seen.path, query: seen.query, headers, body: seen.body, now: verifyAt, ...verifyKeys(scheme, verifyWith) });
    } catch (err) {
      if (!(err instanceof SignatureVerificationError)) throw err;
      code = err.code;
    }
    if (code !== c.expected) throw fail(scheme, c.id, `declared ${c.expected} but the engine says ${code}`);
    return {
      id: c.id,
      description: c.description,
      verify: { verify_at: verifyAt, method: seen.method, path: seen.path, query: seen.query, headers, ...bodyJson(seen.body), ...verifyKeysJson(scheme, verifyWith) },
      expected_error: c.expected,
    };
  });

  const declaration: Record<string, unknown> = {
    algorithm: scheme.algorithm,
    key: scheme.key,
    key_name: scheme.keyName,
    encoding: scheme.encoding,
    canonical: scheme.canonical,
    canonical_format: CANONICAL_TEXT[scheme.canonical],
    signature_header: scheme.signatureHeader,
    signature_format: scheme.signatureFormat,
    timestamp_header: scheme.timestampHeader ?? null,
    identity_header: scheme.identityHeader ?? null,
    metadata_headers: scheme.metadataHeaders ?? [],
    window_seconds: scheme.windowSeconds,
    binds: scheme.binds,
    not_bound: ['method', 'path', 'query', 'body', 'timestamp'].filter((b) => !(scheme.binds as readonly string[]).includes(b)),
    source: scheme.source,
  };
  const keys =
    scheme.key === 'secret'
      ? { ...TEST_SECRETS[scheme.id]! }
      : Object.fromEntries(Object.entries(TEST_KEYPAIRS[scheme.id]!).map(([n, k]) => [n, { private_key_pem: k.privateKeyPem, public_key_pem: k.publicKeyPem }]));
  return {
    format: VECTOR_FORMAT,
    scheme: scheme.id,
    provider: scheme.provider,
    use: scheme.use,
    summary: `${scheme.algorithm === 'hmac-sha256' ? 'HMAC-SHA256' : 'Ed25519'} (${scheme.encoding}) over ${CANONICAL_TEXT[scheme.canonical]}; ${scheme.source}.`,
    declaration,
    test_only:
      'TEST-ONLY key material: every secret and private key in this file is published and must never protect anything real. The Ed25519 keys are derived from labelled seeds in signing/vectors/test-keys.ts.',
    generated_by: 'signing/vectors/generate.ts (npx accord vectors --write); this file is the reference, the engine and openssl must reproduce it',
    keys,
    positive: positives,
    negative: negatives,
  };
}

export function serializeVectorFile(file: VectorFileJson): string {
  return `${JSON.stringify(file, null, 2)}\n`;
}

export interface WriteReport {
  scheme: string;
  path: string;
  changed: boolean;
  positive: number;
  negative: number;
}

/** Regenerates every vector file (or those of `only`); returns what changed. */
export function writeVectorFiles(only?: string): WriteReport[] {
  return SCHEMES.filter((s) => !only || s.id === only).map((scheme) => {
    const file = buildVectorFile(scheme);
    const text = serializeVectorFile(file);
    const target = vectorPath(scheme);
    let before = '';
    try {
      before = readFileSync(target, 'utf8');
    } catch {
      // a new file
    }
    if (before !== text) {
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, text);
    }
    return { scheme: scheme.id, path: path.relative(REPO_ROOT, target), changed: before !== text, positive: file.positive.length, negative: file.negative.length };
  });
}
