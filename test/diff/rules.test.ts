// Every rule of `accord diff`, table-driven: given a fixture spec pair (test/diff/fixtures/<name>/
// {base,head}.yaml) that changes one thing in each direction, want exactly these changes — the
// level, the rule, the operations, where, and the words that say what changed. Nothing else may fire.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleSpec } from '../../contracts/bundle.ts';
import { compareSpecs } from '../../diff/compare.ts';
import { RULES } from '../../diff/rules/index.ts';
import type { Level } from '../../diff/types.ts';
import { openApi31Problem } from '../../diff/validate-side.ts';

const FIXTURES = path.join(import.meta.dirname, 'fixtures');

/** [level, rule, operations (comma-joined), where, a fragment of the message] */
type Want = [Level, string, string, string, string];
interface Case {
  fixture: string;
  given: string;
  want: Want[];
}

const cases: Case[] = [
  // operations and webhooks
  { fixture: 'operation-removed', given: 'GET /widgets/{id} removed', want: [['breaking', 'operation-removed', 'GET /widgets/{id}', 'operation', 'GET /widgets/{id} (getWidget) removed']] },
  { fixture: 'operation-added', given: 'DELETE /widgets/{id} added', want: [['non-breaking', 'operation-added', 'DELETE /widgets/{id}', 'operation', 'new operation DELETE /widgets/{id} (deleteWidget)']] },
  { fixture: 'webhook-removed', given: 'the widget.deleted event removed', want: [['breaking', 'webhook-removed', 'webhook widget.deleted', 'webhook', 'widget.deleted no longer sent']] },
  { fixture: 'webhook-added', given: 'a widget.updated event added', want: [['non-breaking', 'webhook-added', 'webhook widget.updated', 'webhook', 'new webhook event widget.updated']] },
  { fixture: 'operation-id-changed', given: 'operationId createWidget renamed addWidget', want: [['risky', 'operation-id-changed', 'POST /widgets', 'operation', 'createWidget → addWidget: the generated SDK function is renamed']] },
  {
    fixture: 'deprecated',
    given: 'an operation, a query parameter and a response field deprecated',
    want: [
      ['non-breaking', 'deprecated', 'GET /gadgets', 'operation', 'operation deprecated'],
      ['non-breaking', 'deprecated', 'GET /widgets', 'query parameter colour', 'query parameter colour deprecated'],
      ['non-breaking', 'deprecated', 'GET /widgets', 'response 200 › size', 'response field deprecated'],
    ],
  },
  // authentication, signing, idempotency, limits, servers
  {
    fixture: 'security-changed',
    given: 'the root requirement gains Signature; POST drops it; the webhook may arrive unsigned',
    want: [
      ['breaking', 'security-changed', 'GET /widgets', 'security', 'ApiKey no longer enough: now ApiKey + Signature'],
      ['breaking', 'security-changed', 'webhook widget.created', 'security', 'deliveries may now carry no credentials (was WebhookSignature)'],
      ['non-breaking', 'security-changed', 'POST /widgets', 'security', 'ApiKey + Signature → ApiKey'],
    ],
  },
  {
    fixture: 'security-scheme-changed',
    given: "ApiKey's header renamed (used), Admin's description edited, Unused moved (used by nothing)",
    want: [['breaking', 'security-scheme-changed', 'GET /widgets', 'security scheme ApiKey', 'name "X-Api-Key" → "Authorization"']],
  },
  {
    fixture: 'signing-scheme-changed',
    given: 'request scheme replaced, webhooks no longer signed, window 300 s → 120 s',
    want: [
      ['breaking', 'signing-scheme-changed', '', 'x-signing.request', 'widget-hmac-v1 → widget-hmac-v2'],
      ['breaking', 'signing-scheme-changed', '', 'x-signing.webhooks', 'webhooks are no longer signed'],
      ['risky', 'signing-scheme-changed', '', 'x-signing.window_seconds', '±300 s → ±120 s'],
    ],
  },
  {
    fixture: 'operation-signing-changed',
    given: 'POST optional → required, GET none → optional, webhook required → optional',
    want: [
      ['breaking', 'operation-signing-changed', 'POST /widgets', 'signing', 'optional → required: unsigned requests are rejected'],
      ['breaking', 'operation-signing-changed', 'webhook widget.created', 'signing', 'required → optional: deliveries may arrive unsigned'],
      ['non-breaking', 'operation-signing-changed', 'GET /widgets', 'signing', 'none → optional'],
    ],
  },
  {
    fixture: 'idempotency-changed',
    given: 'x-idempotency optional → required, required → absent, absent → optional',
    want: [
      ['breaking', 'idempotency-changed', 'POST /widgets', 'idempotency', 'optional → required'],
      ['risky', 'idempotency-changed', 'POST /widgets/{id}/archive', 'idempotency', 'required → absent'],
      ['non-breaking', 'idempotency-changed', 'POST /widgets/{id}/paint', 'idempotency', 'absent → optional'],
    ],
  },
  {
    fixture: 'idempotency-key-changed',
    given: 'key max_length 256 → 64, window 24 h → 1 h, conflict 409 → 422',
    want: [
      ['breaking', 'idempotency-key-changed', 'POST /widgets', 'x-idempotency.max_length', 'max_length 256 → 64'],
      ['risky', 'idempotency-key-changed', 'POST /widgets', 'x-idempotency.conflict', '409 IDEMPOTENCY_CONFLICT → 422 IDEMPOTENCY_CONFLICT'],
      ['risky', 'idempotency-key-changed', 'POST /widgets', 'x-idempotency.window_seconds', '86400 s → 3600 s'],
    ],
  },
  {
    fixture: 'rate-limit-changed',
    given: 'class general 100/min → 50/min; POST moved to the stricter bulk class',
    want: [
      ['risky', 'rate-limit-changed', 'GET /widgets', 'x-rate-limit.classes.general', 'general: 100/60 s → 50/60 s'],
      ['risky', 'rate-limit-changed', 'POST /widgets', 'rate limit', 'general (100/60 s) → bulk (10/60 s)'],
    ],
  },
  {
    fixture: 'server-changed',
    given: 'sandbox URL changed, production removed, accord-mock added',
    want: [
      ['breaking', 'server-changed', '', 'servers', 'base URL of sandbox: https://sandbox.widgets.example/v1 → https://sandbox.widgets.example/v2'],
      ['breaking', 'server-changed', '', 'servers', 'environment production (https://api.widgets.example/v1) removed'],
      ['non-breaking', 'server-changed', '', 'servers', 'new environment accord-mock'],
    ],
  },
  // parameters, bodies, responses
  {
    fixture: 'parameter-added',
    given: 'required query and header, optional query, a new webhook header',
    want: [
      ['breaking', 'parameter-added', 'GET /widgets', 'header X-Tenant', 'new required header X-Tenant'],
      ['breaking', 'parameter-added', 'GET /widgets', 'query parameter region', 'new required query parameter region'],
      ['non-breaking', 'parameter-added', 'GET /widgets', 'query parameter page', 'new optional query parameter page'],
      ['non-breaking', 'parameter-added', 'webhook widget.created', 'header X-Widget-Delivery', 'deliveries carry a new header X-Widget-Delivery'],
    ],
  },
  {
    fixture: 'parameter-removed',
    given: 'a query parameter and a required webhook header removed',
    want: [
      ['breaking', 'parameter-removed', 'webhook widget.created', 'header X-Widget-Event', 'deliveries no longer carry header X-Widget-Event'],
      ['non-breaking', 'parameter-removed', 'GET /widgets', 'query parameter sort', 'no longer documented'],
    ],
  },
  {
    fixture: 'parameter-required-changed',
    given: 'a $ref query parameter made required, a header made optional (case-insensitive match), a webhook header made optional',
    want: [
      ['breaking', 'parameter-required-changed', 'GET /widgets', 'query parameter limit', 'query parameter limit is now required'],
      ['breaking', 'parameter-required-changed', 'webhook widget.created', 'header X-Widget-Delivery', 'may now be absent'],
      ['non-breaking', 'parameter-required-changed', 'GET /widgets', 'header X-Trace', 'header X-Trace is now optional'],
    ],
  },
  {
    fixture: 'request-body-changed',
    given: 'a body made required, a required body added, a webhook payload removed',
    want: [
      ['breaking', 'request-body-changed', 'POST /widgets', 'request body', 'the request body is now required'],
      ['breaking', 'request-body-changed', 'PUT /widgets/{id}', 'request body', 'a request body is now required'],
      ['breaking', 'request-body-changed', 'webhook widget.created', 'webhook payload', 'deliveries no longer carry a payload'],
    ],
  },
  {
    fixture: 'media-type-changed',
    given: 'form-encoded requests dropped for multipart; CSV responses dropped',
    want: [
      ['breaking', 'media-type-changed', 'GET /widgets', 'response 200', 'no longer returned as text/csv'],
      ['breaking', 'media-type-changed', 'POST /widgets', 'request body', 'application/x-www-form-urlencoded no longer accepted'],
      ['non-breaking', 'media-type-changed', 'POST /widgets', 'request body', 'multipart/form-data now accepted'],
    ],
  },
  {
    fixture: 'response-status-removed',
    given: 'success 304 removed, error 404 removed, webhook acknowledgement 204 removed',
    want: [
      ['breaking', 'response-status-removed', 'GET /widgets/{id}', 'response 304', 'success response 304 removed'],
      ['breaking', 'response-status-removed', 'webhook widget.created', 'response 204', 'acknowledgement status 204 no longer accepted'],
      ['non-breaking', 'response-status-removed', 'DELETE /widgets/{id}', 'response 404', 'error response 404 no longer documented'],
    ],
  },
  {
    fixture: 'response-status-added',
    given: 'new 202 and 409; a new webhook acknowledgement 410',
    want: [
      ['risky', 'response-status-added', 'POST /widgets', 'response 202', 'new success response 202'],
      ['non-breaking', 'response-status-added', 'POST /widgets', 'response 409', 'new error response 409'],
      ['non-breaking', 'response-status-added', 'webhook widget.created', 'response 410', 'acknowledgement status 410 now accepted'],
    ],
  },
  {
    fixture: 'response-header-changed',
    given: 'required Location removed, optional X-Request-Id removed, $ref Retry-After made optional, ETag added',
    want: [
      ['breaking', 'response-header-changed', 'POST /widgets', 'response 201', 'header Location no longer returned'],
      ['breaking', 'response-header-changed', 'POST /widgets', 'response 429', 'header Retry-After may now be absent'],
      ['risky', 'response-header-changed', 'POST /widgets', 'response 201', 'header X-Request-Id no longer returned'],
      ['non-breaking', 'response-header-changed', 'POST /widgets', 'response 201', 'new header ETag'],
    ],
  },
  // schemas, each in its direction
  {
    fixture: 'property-added',
    given: 'a new required and a new optional request field, a new response field',
    want: [
      ['breaking', 'property-added', 'POST /widgets', 'schema CreateWidget › colour', 'new required request field colour'],
      ['non-breaking', 'property-added', 'POST /widgets', 'schema CreateWidget › note', 'new optional request field note'],
      ['non-breaking', 'property-added', 'POST /widgets', 'schema Widget › created_at', 'new response field created_at'],
    ],
  },
  {
    fixture: 'property-removed',
    given: 'a response field removed; request fields removed from a closed and from an open object',
    want: [
      ['breaking', 'property-removed', 'POST /widgets', 'schema CreateWidget › legacy_code', 'undeclared fields are rejected'],
      ['breaking', 'property-removed', 'POST /widgets', 'schema Widget › colour', 'response field colour removed'],
      ['non-breaking', 'property-removed', 'POST /widgets', 'schema Options › matte', 'ignored when sent'],
    ],
  },
  {
    fixture: 'required-changed',
    given: 'request: colour now required, name optional; response: colour may be absent, size always present',
    want: [
      ['breaking', 'required-changed', 'POST /widgets', 'schema CreateWidget › colour', 'request field colour is now required'],
      ['breaking', 'required-changed', 'POST /widgets', 'schema Widget › colour', 'response field colour may now be absent'],
      ['non-breaking', 'required-changed', 'POST /widgets', 'schema CreateWidget › name', 'request field name is now optional'],
      ['non-breaking', 'required-changed', 'POST /widgets', 'schema Widget › size', 'response field size is now always present'],
    ],
  },
  {
    fixture: 'enum-changed',
    given: 'request enum blue → black; response enum retired → suspended (a const unchanged)',
    want: [
      ['breaking', 'enum-changed', 'POST /widgets', 'schema CreateWidget › colour', 'value "blue" no longer accepted'],
      ['breaking', 'enum-changed', 'POST /widgets', 'schema WidgetStatus', 'value "retired" removed'],
      ['risky', 'enum-changed', 'POST /widgets', 'schema WidgetStatus', 'new value "suspended": strict clients reject unknown values'],
      ['non-breaking', 'enum-changed', 'POST /widgets', 'schema CreateWidget › colour', 'new accepted value "black"'],
    ],
  },
  {
    fixture: 'type-changed',
    given: 'request string → integer and string → string|null; response object → oneOf [object, null] and number → integer',
    want: [
      ['breaking', 'type-changed', 'POST /widgets', 'schema CreateWidget › size', 'string → integer: string no longer accepted'],
      ['breaking', 'type-changed', 'POST /widgets', 'schema Widget › owner', 'object → object | null: may now be null'],
      ['non-breaking', 'type-changed', 'POST /widgets', 'schema CreateWidget › label', 'now also accepts null'],
      ['non-breaking', 'type-changed', 'POST /widgets', 'schema Widget › weight', 'number → integer'],
    ],
  },
  {
    fixture: 'bound-changed',
    given: 'request: minimum up, maxLength down, maxItems up, query maximum down; response: maxLength up, minimum up',
    want: [
      ['breaking', 'bound-changed', 'GET /widgets', 'query parameter limit', 'maximum 100 → 50'],
      ['breaking', 'bound-changed', 'POST /widgets', 'schema CreateWidget › name', 'maxLength 64 → 32'],
      ['breaking', 'bound-changed', 'POST /widgets', 'schema CreateWidget › quantity', 'minimum 1 → 5'],
      ['risky', 'bound-changed', 'POST /widgets', 'schema Widget › name', 'maxLength 64 → 128 (widened: values beyond the old bound may arrive)'],
      ['non-breaking', 'bound-changed', 'POST /widgets', 'schema CreateWidget › tags', 'maxItems 10 → 20'],
      ['non-breaking', 'bound-changed', 'POST /widgets', 'schema Widget › score', 'minimum 0 → 1'],
    ],
  },
  {
    fixture: 'pattern-changed',
    given: 'a pattern changed in request and response; a request pattern dropped',
    want: [
      ['breaking', 'pattern-changed', 'POST /widgets', 'schema CreateWidget › sku', 'values matching the old pattern may be rejected'],
      ['risky', 'pattern-changed', 'POST /widgets', 'schema Widget › sku', 'values may no longer match the old pattern'],
      ['non-breaking', 'pattern-changed', 'POST /widgets', 'schema CreateWidget › nickname', '^[a-z]+$ → (none)'],
    ],
  },
  {
    fixture: 'format-changed',
    given: 'request format email added; response date-time → date',
    want: [
      ['breaking', 'format-changed', 'POST /widgets', 'schema CreateWidget › contact', 'format (none) → email'],
      ['risky', 'format-changed', 'POST /widgets', 'schema Widget › made_on', 'format date-time → date'],
    ],
  },
  {
    fixture: 'additional-properties-changed',
    given: 'the request object closed, the response object opened',
    want: [
      ['risky', 'additional-properties-changed', 'POST /widgets', 'schema CreateWidget', 'undeclared fields are now rejected'],
      ['non-breaking', 'additional-properties-changed', 'POST /widgets', 'schema Widget', 'undeclared fields may now appear'],
    ],
  },
  {
    fixture: 'variant-changed',
    given: 'request oneOf loses Card; response oneOf gains Pdf',
    want: [
      ['breaking', 'variant-changed', 'POST /widgets', 'schema CreateWidget › payment', 'oneOf alternative Card removed'],
      ['risky', 'variant-changed', 'POST /widgets', 'schema Widget › delivery', 'new oneOf alternative Pdf'],
    ],
  },
  {
    fixture: 'default-changed',
    given: 'defaults changed on a query parameter, a request field and a response field (ignored)',
    want: [
      ['risky', 'default-changed', 'GET /widgets', 'query parameter limit', 'default 20 → 50'],
      ['risky', 'default-changed', 'POST /widgets', 'request body › notify', 'default true → false'],
    ],
  },
  {
    fixture: 'error-codes-changed',
    given: 'OUT_OF_STOCK 409 → 422, LEGACY_LIMIT retired, WIDGET_LOCKED added',
    want: [
      ['risky', 'error-codes-changed', '', 'schema WidgetError x-error-codes', 'OUT_OF_STOCK: status 409 → 422'],
      ['non-breaking', 'error-codes-changed', '', 'schema WidgetError x-error-codes', 'LEGACY_LIMIT retired'],
      ['non-breaking', 'error-codes-changed', '', 'schema WidgetError x-error-codes', 'new error code WIDGET_LOCKED (423)'],
    ],
  },
  // across rules
  {
    fixture: 'unchanged',
    given: 'a renamed path parameter, header case, an inlined $ref, oneOf-null vs type list, reordered keys, new descriptions',
    want: [],
  },
  {
    fixture: 'refs',
    given: 'fields removed in a recursive component and behind a $ref chain, used by two operations',
    want: [
      ['breaking', 'property-removed', 'GET /categories, GET /categories/{id}', 'schema Category › slug', 'response field slug removed'],
      ['breaking', 'property-removed', 'GET /categories, GET /categories/{id}', 'schema Owner › email', 'response field email removed'],
    ],
  },
  {
    fixture: 'webhook-direction',
    given: 'webhook payload (received) and acknowledgement (sent) change: directions swap',
    want: [
      ['breaking', 'property-added', 'webhook widget.created', 'response 200 › received_at', 'new required webhook acknowledgement field received_at'],
      ['breaking', 'property-removed', 'webhook widget.created', 'schema WidgetEvent › legacy_id', 'webhook payload field legacy_id removed'],
      ['risky', 'enum-changed', 'webhook widget.created', 'schema WidgetEvent › event', 'new value "widget.restored"'],
      ['risky', 'bound-changed', 'webhook widget.created', 'schema WidgetEvent › name', 'maxLength 64 → 128'],
      ['non-breaking', 'property-added', 'webhook widget.created', 'schema WidgetEvent › occurred_at', 'new webhook payload field occurred_at'],
    ],
  },
];

const pair = async (fixture: string) => ({
  base: await bundleSpec(path.join(FIXTURES, fixture, 'base.yaml')),
  head: await bundleSpec(path.join(FIXTURES, fixture, 'head.yaml')),
});

describe('accord diff rules', () => {
  it.each(cases)('$fixture: given $given', async ({ fixture, want }) => {
    const { base, head } = await pair(fixture);
    const got = compareSpecs(base, head);
    expect(got.map((c) => [c.level, c.rule, c.operations.join(', '), c.where])).toEqual(want.map(([level, rule, ops, where]) => [level, rule, ops, where]));
    got.forEach((c, i) => expect(c.message).toContain(want[i]![4]));
  });

  it('has a case for every rule, and a case for every fixture folder', () => {
    const fired = new Set(cases.flatMap((c) => c.want.map((w) => w[1])));
    expect(RULES.map((r) => r.id).filter((id) => !fired.has(id))).toEqual([]);
    for (const r of RULES) expect(fs.existsSync(path.join(FIXTURES, r.id, 'base.yaml')), `fixture folder for ${r.id}`).toBe(true);
    expect(fs.readdirSync(FIXTURES).sort()).toEqual(cases.map((c) => c.fixture).sort());
  });

  it('finds nothing between a fixture and itself', async () => {
    for (const c of cases) {
      const { base, head } = await pair(c.fixture);
      expect(compareSpecs(base, structuredClone(base)), `${c.fixture}/base`).toEqual([]);
      expect(compareSpecs(head, structuredClone(head)), `${c.fixture}/head`).toEqual([]);
    }
  });

  it('reads the change the other way round with the opposite meaning (head → base)', async () => {
    const { base, head } = await pair('property-added');
    const back = compareSpecs(head, base).map((c) => [c.level, c.rule, c.where]);
    expect(back).toEqual([
      ['breaking', 'property-removed', 'schema Widget › created_at'],
      ['non-breaking', 'property-removed', 'schema CreateWidget › colour'],
      ['non-breaking', 'property-removed', 'schema CreateWidget › note'],
    ]);
  });
});

describe('both sides are OpenAPI 3.1 before they are compared', () => {
  it.each(fs.readdirSync(FIXTURES).flatMap((f) => ['base', 'head'].map((side) => ({ fixture: f, side }))))('fixture $fixture/$side is valid OpenAPI 3.1', async ({ fixture, side }) => {
    expect(await openApi31Problem(await bundleSpec(path.join(FIXTURES, fixture, `${side}.yaml`)))).toBeUndefined();
  });

  const minimal = { openapi: '3.1.0', info: { title: 't', version: '1' }, paths: {} };
  it.each([
    { given: 'commas in a flow mapping (junk keys under info)', doc: { ...minimal, info: { title: 't', version: '1', description: 'Head', 'reworded; renamed': null } }, want: /^\/info must NOT have unevaluated properties "reworded; renamed"$/ },
    { given: 'an OpenAPI 3.0 document', doc: { ...minimal, openapi: '3.0.3' }, want: /^openapi is "3.0.3", expected 3.1.x$/ },
    { given: 'a parameter without `in`', doc: { ...minimal, paths: { '/x': { get: { parameters: [{ name: 'a', schema: { type: 'string' } }] } } } }, want: /^\/paths\/~1x\/get\/parameters\/0 / },
    { given: 'a valid document', doc: minimal, want: undefined },
  ])('$given', async ({ doc, want }) => {
    const problem = await openApi31Problem(doc);
    if (want) expect(problem).toMatch(want);
    else expect(problem).toBeUndefined();
  });
});
