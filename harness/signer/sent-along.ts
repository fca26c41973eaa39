/**
 * Headers a real client sends beside the signature, per scheme (data): credential ids, and for
 * Starship the X-API-Secret header, so that a signer keyed with the wrong credential shows up.
 * `{n}` is a per-case number; `{key}` is the case's HMAC key (Starship's concat scheme is keyed
 * with the API secret it also sends, per the overview page's pseudo-code).
 */
import type { SchemeDeclaration, SchemeId } from '../../signing/types.ts';

const SENT_ALONG: Record<SchemeId, Record<string, string>> = {
  'starship-hmac-v1': { 'X-API-Key': 'pk_test_{n}', 'X-API-Secret': 'sk_test_api_secret_{n}_DO_NOT_USE' },
  'starship-hmac-concat': { 'X-API-Key': 'pk_test_{n}', 'X-API-Secret': '{key}' },
  'starship-webhook': { 'X-Starship-Event': 'order.delivered', 'X-Starship-Delivery': 'dlv_test_{n}' },
  'istar-webhook': { 'X-iStar-Event': 'order.completed', 'X-iStar-Delivery': 'dlv_test_{n}' },
  'sirgiving-hmac': { 'X-Partner-Key': 'sk_test_partner_key_{n}_DO_NOT_USE' },
  'sirgiving-webhook': { 'X-SIR-Event': 'partner.status_changed', 'X-SIR-Delivery': 'dlv_test_{n}' },
  'odm-ed25519': { 'X-API-Key': 'odm_test_api_key_{n}' },
  'odm-callback': { 'X-ODM-Event': 'voucher.claimed', 'X-ODM-Delivery': 'dlv_test_{n}' },
};

export function sentAlong(scheme: SchemeDeclaration, n: string, key?: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, template] of Object.entries(SENT_ALONG[scheme.id])) {
    if (template === '{key}' && key === undefined) continue;
    out[name] = template === '{key}' ? key! : template.replace('{n}', n);
  }
  return out;
}

/** Header names whose values are credentials: never shown in a report. */
export const SECRET_HEADER = /secret|authorization|api-key|partner-key/i;
