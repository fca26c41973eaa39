/**
 * Signing engine throughput: sign + verify per scheme, against a bare node:crypto loop doing the
 * same job by hand (same raw request, same canonical string, same hashing, HMAC or Ed25519, same
 * comparison) in the same process. Reported as engine ÷ bare throughput (target ≥ 0.8×): the
 * median of interleaved rounds after a warm-up. The ratio is the price of the declarations,
 * header parsing and input checks.
 */
import { createHash, createHmac, generateKeyPairSync, sign as edSign, timingSafeEqual, verify as edVerify } from 'node:crypto';
import { SCHEMES, sign, sortedQuery, verify, type SchemeDeclaration } from '../signing/index.ts';
import { median, type Report } from './run.ts';

const T = 1744646400;
const SECRET = 'bench_secret_0123456789abcdef0123456789abcdef';
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const BODY = Buffer.from(
  JSON.stringify({ product_id: 'amazon-gift-500', quantity: 2, currency: 'USD', recipient: { name: 'Zoë Ångström', email: 'zoe@example.org' }, note: 'x'.repeat(160) }),
);
const METHOD = 'POST';
const PATH = '/api/v1/orders';
const QUERY = 'per_page=50&category_id=1&tag=b&tag=a';
const ROUNDS = 9;
const ROUND_MS = 150;
const SLICES = 10;

type Op = () => void;

function engineOp(scheme: SchemeDeclaration): Op {
  const key = scheme.key === 'secret' ? { secret: SECRET } : { privateKey };
  const verifyKey = scheme.key === 'secret' ? { secret: SECRET } : { publicKey };
  const extra = scheme.identityHeader ? { [scheme.identityHeader]: 'bench-key' } : {};
  return () => {
    const s = sign(scheme.id, { method: METHOD, path: PATH, query: QUERY, body: BODY, timestamp: T, headers: extra, ...key });
    verify(scheme.id, { method: METHOD, path: PATH, query: QUERY, body: BODY, headers: s.headers, now: T, ...verifyKey });
  };
}

/**
 * The same job written by hand on node:crypto, with no declarations, header parsing or checks:
 * the canonical string from the same raw inputs (sorting the query with the same sortedQuery, so
 * the ratio prices the engine, not the sort), the digest, MAC or signature, and the comparison.
 */
function bareOp(scheme: SchemeDeclaration): Op {
  const canonical = (): Buffer => {
    switch (scheme.canonical) {
      case 'five-line':
        return Buffer.from(`${METHOD}\n${PATH}\n${sortedQuery(QUERY)}\n${createHash('sha256').update(BODY).digest('hex')}\n${T}`);
      case 'concat':
        return Buffer.concat([Buffer.from(`${T}${METHOD}${PATH}`), BODY]);
      case 'timestamp-dot-body':
        return Buffer.concat([Buffer.from(`${T}.`), BODY]);
      case 'body-only':
        return BODY;
    }
  };
  if (scheme.algorithm === 'hmac-sha256') {
    return () => {
      const sent = createHmac('sha256', SECRET).update(canonical()).digest('hex');
      const expected = createHmac('sha256', SECRET).update(canonical()).digest();
      if (!timingSafeEqual(expected, Buffer.from(sent, 'hex'))) throw new Error('bare HMAC mismatch');
    };
  }
  return () => {
    const sent = edSign(null, canonical(), privateKey).toString('base64');
    if (!edVerify(null, canonical(), publicKey, Buffer.from(sent, 'base64'))) throw new Error('bare Ed25519 mismatch');
  };
}

/** Operations per millisecond over `n` iterations. */
function time(op: Op, n: number): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) op();
  return n / (Number(process.hrtime.bigint() - start) / 1e6);
}

/** Iterations that take about `ms`. */
function calibrate(op: Op, ms: number): number {
  let n = 64;
  for (;;) {
    const rate = time(op, n);
    if (n / rate >= ms / 4) return Math.max(64, Math.round(rate * ms));
    n *= 4;
  }
}

export default async function signingBench(report: Report): Promise<void> {
  report(`sign+verify per scheme vs bare node:crypto doing the same work (${BODY.length}-byte body, median of ${ROUNDS} interleaved rounds; target ≥ 0.80×)`);
  const ops = SCHEMES.map((scheme) => ({ scheme, engine: engineOp(scheme), bare: bareOp(scheme) }));
  // Warm up every path first (JIT, key caches), so the first scheme measured is not penalised.
  for (const { engine, bare } of ops) {
    calibrate(engine, ROUND_MS / 2);
    calibrate(bare, ROUND_MS / 2);
  }
  for (const { scheme, engine, bare } of ops) {
    // Each round alternates short engine and bare slices, so a load spike hits both sides alike.
    const nEngine = calibrate(engine, ROUND_MS / SLICES);
    const nBare = calibrate(bare, ROUND_MS / SLICES);
    const ratios: number[] = [];
    const engineRates: number[] = [];
    const bareRates: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      let engineMs = 0;
      let bareMs = 0;
      for (let slice = 0; slice < SLICES; slice++) {
        if (slice % 2) {
          engineMs += nEngine / time(engine, nEngine);
          bareMs += nBare / time(bare, nBare);
        } else {
          bareMs += nBare / time(bare, nBare);
          engineMs += nEngine / time(engine, nEngine);
        }
      }
      const e = (nEngine * SLICES) / engineMs;
      const b = (nBare * SLICES) / bareMs;
      engineRates.push(e);
      bareRates.push(b);
      ratios.push(e / b);
    }
    const ratio = median(ratios);
    const fmt = (perMs: number) => `${Math.round(perMs * 1000).toLocaleString('en-US')}/s`;
    report(
      `${scheme.id.padEnd(22)} engine ${fmt(median(engineRates)).padStart(10)}  bare ${fmt(median(bareRates)).padStart(10)}  ratio ${ratio.toFixed(2)}× ${Number(ratio.toFixed(2)) >= 0.8 ? 'ok' : 'BELOW TARGET'}`,
    );
    await new Promise((resolve) => setImmediate(resolve));
  }
}
