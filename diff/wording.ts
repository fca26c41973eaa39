/** Small helpers the rules share for levels and wording. */
import type { Flow, Level, SchemaSite } from './types.ts';

/** The level of a change that narrows (or widens) what flows that way. */
export const narrowing = (flow: Flow): Level => (flow === 'sends' ? 'breaking' : 'non-breaking');
/** Widening what a client receives breaks strict clients; widening what it sends breaks no one. */
export const widening = (flow: Flow): Level => (flow === 'sends' ? 'non-breaking' : 'risky');

/** The place of a child field: `request body › note`, `schema Order › items[].note`. */
export function childWhere(where: string, name: string): string {
  return where.includes(' › ') ? `${where}.${name}` : `${where} › ${name}`;
}

export const childPointer = (pointer: string, ...segments: string[]) => pointer + segments.map((s) => '/' + s.replace(/~/g, '~0').replace(/\//g, '~1')).join('');

/** `request field`, `response field`, `webhook payload field`. */
export const fieldNoun = (site: SchemaSite) => (site.role.endsWith('header') || site.role.endsWith('parameter') ? site.role : `${site.role} field`);

