/**
 * fuzz: property-based testing of every operation with fast-check. Arbitraries derived from the
 * request schemas (harness/arbitraries) draw valid requests — path, query and body — and the
 * property is that every answer is documented for the operation, matches the documented schema
 * and is never a 5xx. Runs are seeded (--seed) and bounded (--max-examples per operation); a
 * failure is shrunk by fast-check to a minimal request, which the finding reports.
 */
import fc from 'fast-check';
import type { ContractOperation } from '../../runtime/contract.ts';
import { inputRole } from '../arbitraries/operation.ts';
import { exchangeOf } from '../http.ts';
import { requestArbitrary, requestShape } from '../arbitraries/request.ts';
import { stableJson, UnsupportedSchemaError } from '../arbitraries/schema.ts';
import { exampleRequest } from '../../contracts/examples.ts';
import type { CallInput, CallResult } from '../http.ts';
import { documentedResponse, errorCodeOf, refusedValidCredential, schemaProblems } from '../probe.ts';
import { operationsOf, type Check, type CheckContext, type Exchange } from '../types.ts';

/** Requests a shrink may send per operation after the first failure (shrinking stops there; the smallest failure so far is reported). */
export const SHRINK_BUDGET = 200;
const BODY_EXCERPT = 400;

/** Why a response breaks the property, or undefined when it holds. */
export function responseProblem(ctx: CheckContext, op: ContractOperation, r: CallResult): string | undefined {
  if (r.status === 0) return `no response (${r.error})`;
  const code = errorCodeOf(r.json);
  if (r.status >= 500) return `server error ${r.status}${code ? ` ${code}` : ''}`;
  // Documented or not, a 401/403 to a valid, correctly signed request is a refusal of a good caller.
  const refused = refusedValidCredential(r);
  if (refused) return refused;
  const doc = documentedResponse(ctx, op, r.status);
  if (!doc) return `status ${r.status}${code ? ` ${code}` : ''} is not documented for ${op.operationId}`;
  const problems = schemaProblems(ctx, doc.pointer, r.json);
  if (problems === null) return r.text ? `status ${r.status} documents no body, got one` : undefined;
  if (problems.length) return `the ${r.status} body does not match the ${doc.key} schema: ${problems.join('; ')}`;
  return undefined;
}

/** `POST /orders?x=1 {"product_id":"a","quantity":51}`: a request as a finding shows it. */
export function describeRequest(op: ContractOperation, input: CallInput): string {
  const path = op.path.replace(/\{([^}]+)\}/g, (_m, name) => encodeURIComponent(String(input.path?.[name] ?? `{${name}}`)));
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries((input.query as Record<string, unknown>) ?? {})) for (const x of Array.isArray(v) ? v : [v]) query.append(k, String(x));
  const qs = query.toString();
  const body = input.body === undefined ? '' : ` ${JSON.stringify(input.body)}`;
  const text = `${op.method.toUpperCase()} ${path}${qs ? `?${qs}` : ''}${body}`;
  return text.length > BODY_EXCERPT ? `${text.slice(0, BODY_EXCERPT)}…` : text;
}

function exampleHeaders(ctx: CheckContext, op: ContractOperation): Record<string, string> {
  try {
    return Object.fromEntries(Object.entries(exampleRequest(ctx.doc, op).header).map(([k, v]) => [k, String(v)]));
  } catch {
    return {};
  }
}

export const fuzz: Check = {
  id: 'fuzz',
  group: 'negative',
  summary: 'valid requests generated from the request schemas get documented, schema-conforming answers, never a 5xx',
  sends: `per operation --max-examples requests drawn by fast-check from arbitraries derived from its path, query and body schemas (seeded by --seed; an operation without inputs once); on a failure, fast-check's shrinking (up to ${SHRINK_BUDGET} more requests) down to a minimal failing request`,
  expects: 'every answer a status the operation documents, never a 5xx, with a body valid against the documented schema; a failure reports the shrunk request',
  async run(ctx) {
    for (const op of operationsOf(ctx)) {
      const role = inputRole(ctx, op);
      if (!ctx.credentials[role]) {
        ctx.record({ subject: op.operationId, outcome: 'skip', reason: `no "${role}" role in the credentials file` });
        continue;
      }
      const shape = requestShape(ctx.doc, op);
      let arbitrary: fc.Arbitrary<CallInput>;
      try {
        arbitrary = requestArbitrary(ctx.doc, op, exampleHeaders(ctx, op));
      } catch (err) {
        if (!(err instanceof UnsupportedSchemaError)) throw err;
        ctx.record({ subject: op.operationId, outcome: 'skip', reason: `cannot generate requests: ${err.message}` });
        continue;
      }
      const validBody = shape.body ? ctx.schemas.validatorAt(shape.body.pointer) : undefined;
      const hasInputs = Boolean(shape.body) || shape.parameters.some((p) => p.in === 'path' || p.in === 'query');
      const failures = new Map<string, { reason: string; exchange: Exchange }>();
      let afterFailure = 0;
      let judged = 0;
      let rateLimited: Exchange | undefined;
      const property = fc.asyncProperty(arbitrary, async (input) => {
        // A safety net: the converter only makes valid bodies, ajv has the last word.
        fc.pre(!validBody || input.body === undefined || validBody(input.body));
        if (failures.size && afterFailure++ >= SHRINK_BUDGET) return true;
        const r = await ctx.http.call(op, input, { role });
        // Still rate limited after the retries: this answer says nothing about the operation.
        if (r.status === 429) {
          rateLimited = exchangeOf(r);
          return true;
        }
        judged++;
        const problem = responseProblem(ctx, op, r);
        if (problem === undefined) return true;
        failures.set(stableJson(input), { reason: problem, exchange: exchangeOf(r) });
        return false;
      });
      const details = await fc.check(property, { seed: ctx.options.seed, numRuns: hasInputs ? ctx.options.maxExamples : 1 });
      if (!details.failed) {
        if (judged) ctx.record({ subject: op.operationId, outcome: 'pass', ...(rateLimited ? { reason: `${judged} answers judged; others rate limited (429)` } : {}) });
        else ctx.record({ subject: op.operationId, outcome: 'inconclusive', reason: 'every request was answered 429 (rate limited) after the retries: nothing judged', ...(rateLimited ? { exchange: rateLimited } : {}) });
        continue;
      }
      if (details.counterexample) {
        const [input] = details.counterexample;
        const failure = failures.get(stableJson(input));
        if (failure) {
          ctx.record({
            subject: op.operationId,
            outcome: 'fail',
            reason: `${failure.reason} — minimal failing request (after ${details.numShrinks} shrinks of the failure found in run ${details.numRuns}, seed ${details.seed}): ${describeRequest(op, input)}`,
            exchange: failure.exchange,
          });
        } else {
          ctx.record({ subject: op.operationId, outcome: 'fail', reason: `the property threw: ${(details.errorInstance as Error)?.message ?? String(details.errorInstance)} — request: ${describeRequest(op, input)}` });
        }
      } else ctx.record({ subject: op.operationId, outcome: 'skip', reason: `fast-check could not generate enough valid requests (${details.numSkips} rejected)` });
    }
  },
};

export const FUZZ = [fuzz];
