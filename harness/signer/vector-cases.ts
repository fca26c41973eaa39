/** The staged vectors (specs/<provider>/vectors/<scheme>.json) as check-signer cases. */
import type { SchemeDeclaration } from '../../signing/types.ts';
import { bodyBytes } from '../../signing/vectors/format.ts';
import { loadVectorFile } from '../../signing/vectors/run.ts';
import { sentAlong } from './sent-along.ts';
import type { SignCase, VerifyCase } from './types.ts';

function ownHeaders(scheme: SchemeDeclaration, headers: Record<string, string>): Record<string, string> {
  const own = [scheme.signatureHeader, scheme.timestampHeader].filter(Boolean);
  return Object.fromEntries(Object.entries(headers).filter(([name]) => own.includes(name)));
}

export function vectorCases(scheme: SchemeDeclaration): { sign: SignCase[]; verify: VerifyCase[] } {
  const file = loadVectorFile(scheme.id);
  const sign: SignCase[] = [];
  const verify: VerifyCase[] = [];
  for (const v of file.positive) {
    const body = bodyBytes(v.input).toString('base64');
    const canonical = v.intermediates.canonical_base64 !== undefined ? Buffer.from(v.intermediates.canonical_base64, 'base64') : Buffer.from(v.intermediates.canonical ?? '', 'utf8');
    sign.push({
      kind: 'sign',
      group: 'vectors',
      name: v.id,
      request: {
        id: '',
        op: 'sign',
        scheme: scheme.id,
        method: v.input.method,
        path: v.input.path,
        query: v.input.query,
        body_base64: body,
        timestamp: v.input.timestamp,
        headers: { ...sentAlong(scheme, 'vector', v.input.secret), ...v.input.headers },
        ...(v.input.secret !== undefined ? { secret: v.input.secret } : { private_key_pem: v.input.private_key_pem! }),
      },
      expected: {
        canonical,
        ...(v.intermediates.sorted_query !== undefined ? { sortedQuery: v.intermediates.sorted_query } : {}),
        ...(v.intermediates.body_sha256 !== undefined ? { bodySha256: v.intermediates.body_sha256 } : {}),
        signature: v.signature,
        headers: ownHeaders(scheme, v.headers),
        timestamp: v.input.timestamp === null ? '' : String(v.input.timestamp),
      },
    });
    verify.push({
      kind: 'verify',
      group: 'vectors',
      name: v.id,
      request: {
        id: '',
        op: 'verify',
        scheme: scheme.id,
        method: v.verify.method,
        path: v.verify.path,
        query: v.verify.query,
        headers: v.verify.headers,
        body_base64: body,
        now: v.verify.verify_at,
        ...(v.verify.secrets ? { secrets: v.verify.secrets } : { public_keys_pem: v.verify.public_keys_pem ?? [] }),
      },
      expected: 'valid',
      stage: 'verdict',
    });
  }
  for (const v of file.negative) {
    verify.push({
      kind: 'verify',
      group: 'vectors',
      name: v.id,
      request: {
        id: '',
        op: 'verify',
        scheme: scheme.id,
        method: v.verify.method,
        path: v.verify.path,
        query: v.verify.query,
        headers: v.verify.headers,
        body_base64: bodyBytes(v.verify).toString('base64'),
        now: v.verify.verify_at,
        ...(v.verify.secrets ? { secrets: v.verify.secrets } : { public_keys_pem: v.verify.public_keys_pem ?? [] }),
      },
      expected: v.expected_error,
      stage: v.expected_error === 'timestamp_out_of_window' ? 'timestamp' : v.expected_error === 'signature_mismatch' ? 'signature' : 'header layout',
    });
  }
  return { sign, verify };
}
