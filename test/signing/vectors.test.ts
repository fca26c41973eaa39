import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { SCHEMES } from '../../signing/index.ts';
import { buildVectorFile, REPO_ROOT, serializeVectorFile, vectorPath } from '../../signing/vectors/generate.ts';
import { loadVectorFile, runNegative, runPositive } from '../../signing/vectors/run.ts';
import { VECTOR_FORMAT } from '../../signing/vectors/format.ts';

// The committed files are the reference: the engine must reproduce every stage of every positive
// and fail every negative with its declared code.

const files = SCHEMES.map((scheme) => ({ id: scheme.id, scheme, file: loadVectorFile(scheme.id) }));

describe.each(files)('$id', ({ scheme, file }) => {
  test('is a vector file of this scheme with at least 12 positive and 8 negative vectors', () => {
    expect(file.format).toBe(VECTOR_FORMAT);
    expect(file.scheme).toBe(scheme.id);
    expect(file.provider).toBe(scheme.provider);
    expect(file.positive.length).toBeGreaterThanOrEqual(12);
    expect(file.negative.length).toBeGreaterThanOrEqual(8);
    const ids = [...file.positive, ...file.negative].map((v) => v.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  test('covers the required cases', () => {
    const pos = file.positive.map((v) => v.id);
    const neg = file.negative.map((v) => v.id);
    expect(pos).toEqual(expect.arrayContaining(['empty-body', 'unicode-body', 'binary-body', 'rotation-previous-key']));
    expect(neg).toEqual(expect.arrayContaining(['tampered-body', 'missing-signature-header', 'malformed-signature']));
    expect(neg.some((id) => id.startsWith('wrong-'))).toBe(true);
    if (scheme.windowSeconds !== null) {
      expect(pos).toEqual(expect.arrayContaining(['window-plus-300', 'window-minus-300']));
      expect(neg).toEqual(expect.arrayContaining(['window-plus-301', 'window-minus-301']));
    }
    if (scheme.binds.includes('query')) {
      expect(pos).toEqual(expect.arrayContaining(['get-unsorted-query', 'get-repeated-keys', 'get-percent-encoded-query']));
      expect(neg).toContain('tampered-query');
    }
    if (scheme.binds.includes('path')) {
      expect(pos).toContain('get-trailing-slash');
      expect(neg).toContain('tampered-path');
    }
    const binary = file.positive.find((v) => v.id === 'binary-body')!;
    expect(binary.input.body_base64).toBeDefined();
  });

  test('is listed in specs/VECTORS.md with its current counts', () => {
    const row = `| \`${scheme.id}\` | \`specs/${scheme.provider}/vectors/${scheme.id}.json\` | ${file.positive.length} | ${file.negative.length} |`;
    expect(readFileSync(path.join(REPO_ROOT, 'specs', 'VECTORS.md'), 'utf8')).toContain(row);
  });

  test('matches what the generator produces from the declared cases (regenerate with `accord vectors --write`)', () => {
    expect(readFileSync(vectorPath(scheme), 'utf8')).toBe(serializeVectorFile(buildVectorFile(scheme)));
  });

  test.each(file.positive.map((v) => ({ id: v.id, v })))('positive $id: canonical, signature, headers reproduce; verifies', ({ v }) => {
    expect(runPositive(scheme.id, v).problems).toEqual([]);
  });

  test.each(file.negative.map((v) => ({ id: v.id, v })))('negative $id fails with its code', ({ v }) => {
    expect(runNegative(scheme.id, v).problems).toEqual([]);
  });
});
