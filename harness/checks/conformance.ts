/** Conformance: every operation's answer to a valid call is documented and matches the spec. */
import { deref } from '../../contracts/walk.ts';
import { operationsOf, type Check } from '../types.ts';
import { documentedResponse, errorCodeOf, probe, refusedValidCredential, schemaProblems } from '../probe.ts';

export const statusCodeDocumented: Check = {
  id: 'status_code_documented',
  group: 'conformance',
  summary: 'every status the implementation answers is documented for that operation',
  sends: 'each operation once, with the spec’s example inputs and the default credential',
  expects: 'a status listed in the operation’s responses (exact, NXX or default), never a 5xx',
  async run(ctx) {
    for (const op of operationsOf(ctx)) {
      const r = await probe(ctx, op);
      if (r.status === 0) ctx.record({ subject: op.operationId, outcome: 'fail', reason: `no response: ${r.error}`, exchange: r });
      else if (r.status >= 500) ctx.record({ subject: op.operationId, outcome: 'fail', reason: `server error ${r.status}`, exchange: r });
      else if (refusedValidCredential(r)) ctx.record({ subject: op.operationId, outcome: 'fail', reason: refusedValidCredential(r), exchange: r });
      else if (!documentedResponse(ctx, op, r.status)) ctx.record({ subject: op.operationId, outcome: 'fail', reason: `status ${r.status} is not documented for ${op.operationId}`, exchange: r });
      else ctx.record({ subject: op.operationId, outcome: 'pass', exchange: r });
    }
  },
};

export const responseSchema: Check = {
  id: 'response_schema',
  group: 'conformance',
  summary: 'every response body matches the schema documented for its status',
  sends: 'each operation once, with the spec’s example inputs',
  expects: 'a JSON body valid against the documented schema (closed objects, enums, required fields)',
  async run(ctx) {
    for (const op of operationsOf(ctx)) {
      const r = await probe(ctx, op);
      const refused = refusedValidCredential(r);
      if (refused) {
        ctx.record({ subject: op.operationId, outcome: 'fail', reason: `${refused}: no answer of the operation to judge`, exchange: r });
        continue;
      }
      const doc = r.status ? documentedResponse(ctx, op, r.status) : undefined;
      if (!doc) {
        ctx.record({ subject: op.operationId, outcome: 'skip', reason: `status ${r.status} undocumented (see status_code_documented)`, exchange: r });
        continue;
      }
      const problems = schemaProblems(ctx, doc.pointer, r.json);
      if (problems === null) ctx.record({ subject: op.operationId, outcome: r.text ? 'fail' : 'pass', ...(r.text ? { reason: `status ${r.status} documents no body, got one` } : {}), exchange: r });
      else if (problems.length) ctx.record({ subject: op.operationId, outcome: 'fail', reason: `body does not match the ${doc.key} schema: ${problems.join('; ')}`, exchange: r });
      else ctx.record({ subject: op.operationId, outcome: 'pass', exchange: r });
    }
  },
};

export const contentType: Check = {
  id: 'content_type',
  group: 'conformance',
  summary: 'responses with a body carry the documented media type',
  sends: 'each operation once, with the spec’s example inputs',
  expects: 'Content-Type application/json (or the documented media type) whenever there is a body',
  async run(ctx) {
    for (const op of operationsOf(ctx)) {
      const r = await probe(ctx, op);
      const doc = r.status ? documentedResponse(ctx, op, r.status) : undefined;
      const types = Object.keys(doc?.response?.content ?? {});
      if (!r.text) {
        ctx.record({ subject: op.operationId, outcome: r.status ? 'skip' : 'inconclusive', reason: r.status ? `status ${r.status} without a body: no media type to judge` : `no response (${r.error})`, exchange: r });
        continue;
      }
      const got = (r.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      const ok = types.length ? types.some((t) => t.toLowerCase() === got) : got === 'application/json';
      ctx.record({ subject: op.operationId, outcome: ok ? 'pass' : 'fail', ...(ok ? {} : { reason: `Content-Type "${got || 'none'}", documented: ${types.join(', ') || 'application/json'}` }), exchange: r });
    }
  },
};

export const responseHeaders: Check = {
  id: 'response_headers',
  group: 'conformance',
  summary: 'every header the spec requires on a response is there and valid (X-Request-Id, pagination, rate-limit headers)',
  sends: 'each operation once, with the spec’s example inputs',
  expects: 'each required header of the documented response present, its value valid against its schema',
  async run(ctx) {
    for (const op of operationsOf(ctx)) {
      const r = await probe(ctx, op);
      const doc = r.status ? documentedResponse(ctx, op, r.status) : undefined;
      if (!doc) {
        ctx.record({ subject: op.operationId, outcome: 'skip', reason: `status ${r.status} undocumented`, exchange: r });
        continue;
      }
      const problems: string[] = [];
      for (const [name, raw] of Object.entries<any>(doc.response.headers ?? {})) {
        const header = deref(ctx.doc, raw);
        const value = r.headers.get(name);
        if (value === null) {
          if (header?.required) problems.push(`missing ${name}`);
          continue;
        }
        const schema = deref(ctx.doc, header?.schema);
        if (schema?.type === 'integer' && !/^-?\d+$/.test(value)) problems.push(`${name} "${value}" is not an integer`);
        if (schema?.type === 'boolean' && !/^(true|false)$/.test(value)) problems.push(`${name} "${value}" is not true/false`);
        if (schema?.pattern && !new RegExp(schema.pattern, 'u').test(value)) problems.push(`${name} "${value}" does not match ${schema.pattern}`);
      }
      ctx.record({ subject: op.operationId, outcome: problems.length ? 'fail' : 'pass', ...(problems.length ? { reason: problems.join('; ') } : {}), exchange: r });
    }
  },
};

export const errorEnvelope: Check = {
  id: 'error_envelope',
  group: 'conformance',
  summary: 'every error answer uses the provider’s envelope with a code documented for its status',
  sends: 'each operation once with example inputs, and one read without credentials',
  expects: `4xx/5xx bodies valid against the provider's error schema; the code listed in x-error-codes with that status`,
  async run(ctx) {
    const schemaName = ctx.contract.errorSchema;
    if (!schemaName) return ctx.record({ subject: '(provider)', outcome: 'skip', reason: 'the spec names no error envelope' });
    const validate = ctx.schemas.validatorAt(`#/components/schemas/${schemaName}`);
    const judge = (subject: string, r: Awaited<ReturnType<typeof probe>>) => {
      if (r.status === 0) return ctx.record({ subject, outcome: 'inconclusive', reason: `no response (${r.error})`, exchange: r });
      if (r.status < 400) return ctx.record({ subject, outcome: 'skip', reason: `status ${r.status}: no error to judge`, exchange: r });
      if (!validate(r.json)) return ctx.record({ subject, outcome: 'fail', reason: `error body is not the ${schemaName} envelope: ${(validate.errors ?? []).slice(0, 3).map((e) => `${e.instancePath || '(root)'} ${e.message}`).join('; ')}`, exchange: r });
      const code = errorCodeOf(r.json);
      const known = code ? ctx.contract.errorCodes[code] : undefined;
      if (Object.keys(ctx.contract.errorCodes).length && !known) return ctx.record({ subject, outcome: 'fail', reason: `error code ${code ?? '(none)'} is not in x-error-codes`, exchange: r });
      if (known && known.status !== r.status) return ctx.record({ subject, outcome: 'fail', reason: `error code ${code} is documented with status ${known.status}, answered with ${r.status}`, exchange: r });
      return ctx.record({ subject, outcome: 'pass', exchange: r });
    };
    for (const op of operationsOf(ctx)) judge(op.operationId, await probe(ctx, op));
    // A documented error every implementation must produce: the same read without credentials (401).
    const first = ctx.contract.operations.find((o) => o.method === 'get' && !o.path.includes('{')) ?? ctx.contract.operations[0]!;
    judge(`${first.operationId} (no credentials)`, await ctx.http.call(first, {}, { role: null }));
  },
};

export const CONFORMANCE = [statusCodeDocumented, responseSchema, contentType, responseHeaders, errorEnvelope];
