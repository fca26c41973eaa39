/**
 * Extracts the runtime Contract (runtime/contract.ts) from a bundled OpenAPI document. Pure: the
 * same document always gives the same contract, in spec order.
 */
import type { OpenApiDocument } from '../../contracts/bundle.ts';
import { deref } from '../../contracts/walk.ts';
import type { Contract, ContractOperation, ContractParameter, HttpMethod } from '../../runtime/contract.ts';
import { getScheme } from '../../signing/schemes/index.ts';
import { camelCase } from '../names.ts';

const window = (w: any) => ({ requests: Number(w.requests), per_seconds: Number(w.per_seconds) });

const METHODS: HttpMethod[] = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

function serverUrl(server: any): string {
  return String(server.url).replace(/\{([^}]+)\}/g, (_m, name) => String(server.variables?.[name]?.default ?? name));
}

function securityOf(op: any, doc: OpenApiDocument): string[][] {
  const reqs: any[] = op.security ?? doc.security ?? [];
  return reqs.map((r) => Object.keys(r));
}

function parametersOf(doc: OpenApiDocument, item: any, op: any): ContractParameter[] {
  const byKey = new Map<string, ContractParameter>();
  for (const raw of [...(item.parameters ?? []), ...(op.parameters ?? [])]) {
    const p = deref(doc, raw);
    if (!p?.name) continue;
    byKey.set(`${p.in}:${String(p.name).toLowerCase()}`, { name: p.name, in: p.in, required: p.required === true });
  }
  return [...byKey.values()];
}

function errorSchemaOf(doc: OpenApiDocument): string | null {
  const counts = new Map<string, number>();
  for (const item of Object.values<any>(doc.paths ?? {})) {
    for (const m of METHODS) {
      for (const [status, raw] of Object.entries<any>(item?.[m]?.responses ?? {})) {
        if (!/^[45]/.test(status)) continue;
        const ref = deref(doc, raw)?.content?.['application/json']?.schema?.$ref as string | undefined;
        if (ref?.startsWith('#/components/schemas/')) counts.set(ref.split('/').pop()!, (counts.get(ref.split('/').pop()!) ?? 0) + 1);
      }
    }
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
}

/** Headers a signing scheme computes (signature, timestamp): a client never supplies them. */
export function computedHeadersOf(schemeId: string): string[] {
  const s = getScheme(schemeId);
  return [s.signatureHeader, ...(s.timestampHeader ? [s.timestampHeader] : [])];
}

/**
 * @param computedHeaders header names a signing scheme emits (these are computed, not supplied).
 */
export function extractContract(doc: OpenApiDocument, source: string, computedHeaders: (schemeId: string) => string[] = computedHeadersOf): Contract {
  const signing = doc['x-signing'] ?? {};
  const computed = new Set(
    [signing.request, signing.webhooks].filter(Boolean).flatMap((id: string) => computedHeaders(id)).map((h) => h.toLowerCase()),
  );

  const operations: ContractOperation[] = [];
  const requestSchemes = new Set<string>();
  for (const [path, item] of Object.entries<any>(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item?.[method];
      if (!op) continue;
      const security = securityOf(op, doc);
      security.flat().forEach((s) => requestSchemes.add(s));
      const body = op.requestBody ? deref(doc, op.requestBody) : null;
      operations.push({
        operationId: op.operationId,
        method,
        path,
        summary: op.summary ?? '',
        tags: op.tags ?? [],
        security,
        signing: op['x-signing'] ?? (signing.request ? 'required' : 'none'),
        idempotency: op['x-idempotency'] ?? null,
        rateLimitClass: op['x-rate-limit-class'] ?? null,
        keyScope: op['x-key-scope'] ?? null,
        status: op['x-status'] ?? null,
        parameters: parametersOf(doc, item, op),
        requestBody: body ? { required: body.required === true, mediaType: Object.keys(body.content ?? {})[0] ?? 'application/json' } : null,
        responses: Object.keys(op.responses ?? {}),
      });
    }
  }

  const webhooks = Object.entries<any>(doc.webhooks ?? {}).flatMap(([event, item]) => {
    const op = item?.post;
    if (!op) return [];
    const headers = parametersOf(doc, item, op).filter((p) => p.in === 'header').map((p) => p.name);
    return [{ event, operationId: op.operationId, summary: op.summary ?? '', headers }];
  });

  const schemes = doc.components?.securitySchemes ?? {};
  const everywhere = (scheme: string) => operations.length > 0 && operations.every((o) => o.security.length > 0 && o.security.every((alt) => alt.includes(scheme)));
  const auth = Object.entries<any>(schemes)
    .filter(([name, s]) => requestSchemes.has(name) && ((s.type === 'apiKey' && s.in === 'header') || (s.type === 'http' && s.scheme === 'bearer')))
    .map(([name, s]) => {
      const header = s.type === 'http' ? 'Authorization' : (s.name as string);
      return {
        header,
        scheme: name,
        credential: camelCase(name),
        computed: computed.has(header.toLowerCase()),
        prefix: s.type === 'http' ? 'Bearer ' : '',
        required: everywhere(name),
      };
    });

  const idem = doc['x-idempotency'];
  const rl = doc['x-rate-limit'];
  const errorSchema = errorSchemaOf(doc);
  const codes = (errorSchema && doc.components?.schemas?.[errorSchema]?.['x-error-codes']) || {};

  return {
    provider: doc['x-accord-provider'],
    title: doc.info?.title ?? '',
    version: doc.info?.version ?? '',
    source,
    servers: (doc.servers ?? []).map((s: any) => ({ environment: s['x-environment'] ?? 'default', url: serverUrl(s), description: (s.description ?? '').split('\n')[0].trim() })),
    auth,
    signing: { request: signing.request ?? null, webhooks: signing.webhooks ?? null, windowSeconds: signing.window_seconds ?? null },
    idempotency: idem
      ? {
          header: idem.header ?? 'Idempotency-Key',
          minLength: idem.min_length ?? null,
          maxLength: idem.max_length ?? null,
          pattern: idem.pattern ?? null,
          windowSeconds: idem.window_seconds ?? null,
          conflict: idem.conflict ?? null,
          missing: idem.missing ?? null,
        }
      : null,
    rateLimit: rl
      ? {
          key: rl.key ?? null,
          documented: rl.documented !== false,
          classes: Object.fromEntries(
            Object.entries<any>(rl.classes ?? {}).map(([name, c]) => [name, { ...(c.description ? { description: String(c.description).trim() } : {}), limits: (c.limits ?? []).map(window) }]),
          ),
          tiers: rl.tiers ? Object.fromEntries(Object.entries<any>(rl.tiers).map(([name, limits]) => [name, (limits ?? []).map(window)])) : null,
          headers: rl.headers ? Object.fromEntries(Object.entries<any>(rl.headers).filter(([, v]) => typeof v === 'string')) : null,
        }
      : null,
    errorSchema,
    errorCodes: Object.fromEntries(Object.entries<any>(codes).map(([code, v]) => [code, { status: Number(v.status), documented: v.documented === true }])),
    operations,
    webhooks,
  };
}
