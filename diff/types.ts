/**
 * The vocabulary of `accord diff`: what a change is, how bad it is for an API client, and the
 * shape of a rule (one small module in diff/rules/ that looks at one kind of node).
 */
import type { OpenApiDocument } from '../contracts/bundle.ts';

/**
 * How a change affects a client built against the base spec:
 * - `breaking`: a correct client stops working (or stops compiling against the generated types);
 * - `risky`: breaks strict clients only (exhaustive switches, response validation, storage sized
 *   to a bound, status checks), or changes behaviour without changing the wire format;
 * - `non-breaking`: a client keeps working unchanged.
 */
export type Level = 'breaking' | 'risky' | 'non-breaking';
export const LEVELS: readonly Level[] = ['breaking', 'risky', 'non-breaking'];

/**
 * Which way data moves, seen from the API client. `sends`: requests to the provider and the
 * acknowledgements a client returns to a webhook. `receives`: responses, and webhook deliveries
 * (their headers and payload). Narrowing what a client sends breaks it; widening (or removing
 * from) what it receives breaks it.
 */
export type Flow = 'sends' | 'receives';

/** One row of the report. Identical changes reached from several operations are one row. */
export interface Change {
  /** The rule that found it: the file name in diff/rules/. */
  rule: string;
  level: Level;
  /** Where, relative to the operations: `request body › items[].sku`, `schema Order › status`, `servers`. */
  where: string;
  /** What changed, with before → after. */
  message: string;
  /** The operations affected (labels like `POST /orders`, `webhook order.completed`); empty for the whole API. */
  operations: string[];
  /** JSON pointer of the node in the head spec (the base spec's when the node was removed). */
  pointer?: string;
}

/** What a rule reports; compare.ts adds the rule id and the operation it was looking at. */
export interface Finding {
  level: Level;
  message: string;
  where?: string;
  pointer?: string;
  /** Overrides the operation in context (document-level rules naming the operations affected). */
  operations?: string[];
}

export interface Sided<T> {
  base: T;
  head: T;
}

export interface Parameter {
  /** Match key: `query:quantity`, `header:idempotency-key` (case-insensitive), `path:0` (by position). */
  key: string;
  name: string;
  in: string;
  required: boolean;
  /** The parameter object, `$ref` resolved. */
  node: Record<string, any>;
  pointer: string;
}

export interface Operation {
  /** Match key: `POST /orders/{}` (path parameters by position), `webhook order.completed post`. */
  key: string;
  /** What a person reads: `POST /orders/{orderId}`, `webhook order.completed`. */
  label: string;
  kind: 'path' | 'webhook';
  method: string;
  /** Path template or webhook name. */
  path: string;
  pointer: string;
  /** The operation object. */
  node: Record<string, any>;
  parameters: Map<string, Parameter>;
  /** Effective security requirement alternatives, each canonical (`ApiKey+Signature`; '' = anonymous). */
  security: string[];
}

export interface RuleContext {
  base: OpenApiDocument;
  head: OpenApiDocument;
  report(finding: Finding): void;
}

export interface ParameterSite {
  op: Sided<Operation>;
  base?: Parameter;
  head?: Parameter;
  flow: Flow;
  where: string;
}

export interface BodySite {
  op: Sided<Operation>;
  /** The request body objects, `$ref` resolved (undefined when absent on that side). */
  base?: Record<string, any>;
  head?: Record<string, any>;
  flow: Flow;
}

export interface ResponseSite {
  op: Sided<Operation>;
  status: string;
  base?: Record<string, any>;
  head?: Record<string, any>;
  /** Flow of the response's content: `receives` for path operations, `sends` for webhooks. */
  flow: Flow;
}

/** A schema node, `$ref`s followed, `allOf` merged, `oneOf: [X, {type: null}]` folded into X + null. */
export interface NormalSchema {
  node: Record<string, any>;
  /** Component name when reached through `#/components/schemas/<name>`. */
  ref?: string;
}

/** A pair of schema nodes at the same place in base and head. */
export interface SchemaSite {
  base: NormalSchema;
  head: NormalSchema;
  flow: Flow;
  /** `request`, `response`, `webhook payload`, `webhook acknowledgement`, `query parameter`, … for messages. */
  role: string;
  where: string;
  pointer: string;
}

/** One rule: any of the hooks; each looks at one kind of node and reports findings. */
export interface Rule {
  id: string;
  /** One line for `accord diff --rules` and the README. */
  summary: string;
  document?(ctx: RuleContext, operations: Sided<Map<string, Operation>>): void;
  operation?(ctx: RuleContext, op: Sided<Operation>): void;
  parameter?(ctx: RuleContext, site: ParameterSite): void;
  requestBody?(ctx: RuleContext, site: BodySite): void;
  response?(ctx: RuleContext, site: ResponseSite): void;
  schema?(ctx: RuleContext, site: SchemaSite): void;
}

export interface DiffReport {
  format: 'accord-diff/1';
  provider: string;
  base: { ref: string; commit: string };
  head: { ref: string; commit?: string };
  summary: Record<Level, number>;
  breaking: boolean;
  changes: Change[];
}
