import { describe, expect, test } from 'vitest';
import { diagnoseSign, diagnoseVerify } from '../../harness/signer/diagnose.ts';
import { expectSign } from '../../harness/signer/expect.ts';
import type { SignAnswer, SignCase, SignRequest, VerifyCase } from '../../harness/signer/types.ts';
import { getScheme } from '../../signing/index.ts';

// The stage check-signer names for a given wrong answer (given/want), without any process.

const scheme = getScheme('starship-hmac-v1');
const T = 1744646400;
const request: SignRequest = {
  id: '1', op: 'sign', scheme: scheme.id, method: 'POST', path: '/api/v1/orders', query: 'b=2&a=1',
  body_base64: Buffer.from('{"a": 1}').toString('base64'), timestamp: T, headers: { 'X-API-Secret': 'sk_test_api_secret_1_DO_NOT_USE' }, secret: 'test_signing_secret_DO_NOT_USE',
};
const expected = expectSign(scheme, request);
const c: SignCase = { kind: 'sign', group: 'properties', name: 'case', request, expected };
const sig = expected.signature;
const good = { headers: { 'X-Signature': `t=${T},v1=${sig}` }, canonical_base64: expected.canonical.toString('base64') };
const canonicalWith = (line: number, text: string) => {
  const lines = expected.canonical.toString('utf8').split('\n');
  lines[line] = text;
  return Buffer.from(lines.join('\n')).toString('base64');
};

describe('diagnoseSign', () => {
  test.each<{ given: string; answer: SignAnswer; stage?: string; where?: RegExp; hint?: RegExp }>([
    { given: 'the engine’s own answer', answer: good },
    { given: 'an error instead of an answer', answer: { error: 'boom' }, stage: 'protocol' },
    { given: 'no signature header', answer: { headers: { 'X-Sig': 'x' } }, stage: 'header layout', where: /X-Signature/ },
    { given: 'v1= without t=', answer: { headers: { 'X-Signature': `v1=${sig}` } }, stage: 'header layout' },
    { given: 'milliseconds in t=', answer: { headers: { 'X-Signature': `t=${T * 1000},v1=${sig}` } }, stage: 'timestamp', hint: /milliseconds/ },
    { given: 'uppercase hex', answer: { headers: { 'X-Signature': `t=${T},v1=${sig.toUpperCase()}` } }, stage: 'signature', where: /encoding/ },
    { given: 'a reported canonical string with the wire query', answer: { ...good, headers: { 'X-Signature': `t=${T},v1=${'0'.repeat(64)}` }, canonical_base64: canonicalWith(2, 'b=2&a=1') }, stage: 'canonical string', where: /line 3/, hint: /order/ },
    { given: 'a reported body digest of other bytes', answer: { ...good, headers: { 'X-Signature': `t=${T},v1=${'0'.repeat(64)}` }, body_sha256: '0'.repeat(64) }, stage: 'body hash' },
    { given: 'a signature keyed with X-API-Secret (black box)', answer: { headers: { 'X-Signature': `t=${T},v1=${expectSign(scheme, { ...request, secret: request.headers['X-API-Secret'] }).signature}` } }, stage: 'signature', where: /key/ },
    { given: 'an unexplained signature', answer: { headers: { 'X-Signature': `t=${T},v1=${'ab'.repeat(32)}` } }, stage: 'signature', where: /X-Signature/ },
  ])('$given', ({ answer, stage, where, hint }) => {
    const m = diagnoseSign(scheme, c, answer);
    if (!stage) return expect(m).toBeUndefined();
    expect(m?.stage).toBe(stage);
    if (where) expect(m?.where).toMatch(where);
    if (hint) expect(m?.hint).toMatch(hint);
  });
});

describe('diagnoseVerify', () => {
  const v = (expected: string, stage: VerifyCase['stage'] = 'timestamp'): VerifyCase => ({ kind: 'verify', group: 'negatives', name: 'n', request: {} as VerifyCase['request'], expected, stage });
  test.each([
    { given: 'a valid request accepted', c: v('valid', 'verdict'), answer: { valid: true }, stage: undefined },
    { given: 'a valid request refused for the clock', c: v('valid', 'verdict'), answer: { valid: false, error: 'timestamp_out_of_window' }, stage: 'timestamp' },
    { given: 'a stale request accepted', c: v('timestamp_out_of_window'), answer: { valid: true }, stage: 'timestamp' },
    { given: 'a stale request refused with another code', c: v('timestamp_out_of_window'), answer: { valid: false, error: 'signature_mismatch' }, stage: 'timestamp' },
    { given: 'a stale request refused without a code', c: v('timestamp_out_of_window'), answer: { valid: false }, stage: undefined },
    { given: 'no verdict', c: v('valid', 'verdict'), answer: { error: 'unsupported' }, stage: 'protocol' },
  ])('$given', ({ c, answer, stage }) => {
    expect(diagnoseVerify(c, answer)?.stage).toBe(stage);
  });
});
