/**
 * What `accord postman` needs to know about a provider beyond its spec: which variables hold the
 * signing keys, and which test credentials of an accord sandbox fill them. Providers differ in
 * this data only; everything else comes from the bundled spec and the signing declarations.
 */
import type { ProviderId } from '../contracts/providers.ts';
import type { SchemeId } from '../signing/types.ts';

/** One environment variable filled from an accord credentials file (`accord serve`). */
export interface CredentialVariable {
  variable: string;
  /** Role in the credentials file (`default`, `admin`, `merchant`…). */
  role: string;
  /** `credentials.<key>` or `signing.<key>` of that role. */
  from: `credentials.${string}` | `signing.${string}`;
  /** Postman masks `secret` variables; the others are shown. */
  secret: boolean;
  description: string;
}

export interface PostmanProviderConfig {
  /**
   * The request-signing schemes the pre-request script offers (the first is the default), each
   * with the variable holding its key per credential variable: the script finds the credential
   * header whose value is `{{<credential variable>}}` and signs with `{{<key variable>}}`.
   */
  schemes: ReadonlyArray<{ id: SchemeId; keyVariables: Record<string, string> }>;
  /** A variable that chooses among `schemes` (a Starship credential uses one recipe, D2). */
  schemeVariable?: { name: string; description: string };
  /** Operations under a path prefix that authenticate with other credentials (security scheme → variable). */
  surfaces?: ReadonlyArray<{ pathPrefix: string; variables: Record<string, string> }>;
  credentials: readonly CredentialVariable[];
}

export const POSTMAN_CONFIG: Record<ProviderId, PostmanProviderConfig> = {
  starship: {
    schemes: [
      { id: 'starship-hmac-v1', keyVariables: { apiKey: 'signingSecret' } },
      { id: 'starship-hmac-concat', keyVariables: { apiKey: 'apiSecret' } },
    ],
    schemeVariable: {
      name: 'signingScheme',
      description: "the credential's HMAC recipe: starship-hmac-v1 (five-line string, signing secret; the default) or starship-hmac-concat (legacy, keyed with the API secret, adds X-Timestamp), D2",
    },
    credentials: [
      { variable: 'apiKey', role: 'default', from: 'credentials.apiKey', secret: true, description: 'X-API-Key' },
      { variable: 'apiSecret', role: 'default', from: 'credentials.apiSecret', secret: true, description: 'X-API-Secret (also the key of the legacy starship-hmac-concat recipe)' },
      { variable: 'signingSecret', role: 'default', from: 'signing.secret', secret: true, description: "the credential's HMAC signing secret (starship-hmac-v1); leave empty for a credential without HMAC: requests then go unsigned (D3)" },
    ],
  },
  istar: {
    schemes: [],
    credentials: [{ variable: 'apiKey', role: 'default', from: 'credentials.apiKey', secret: true, description: 'API-Key (iStar requests are not signed)' }],
  },
  sirgiving: {
    schemes: [{ id: 'sirgiving-hmac', keyVariables: { partnerKey: 'signingSecret' } }],
    credentials: [
      { variable: 'partnerKey', role: 'default', from: 'credentials.partnerKey', secret: true, description: 'X-Partner-Key: the sk_ key (signed) or the pk_ key (unsigned, publishable scope only)' },
      { variable: 'signingSecret', role: 'default', from: 'signing.secret', secret: true, description: "the 64-hex HMAC signing secret of the sk_ key (sirgiving-hmac, D5); leave empty with a pk_ key" },
      { variable: 'adminBearer', role: 'admin', from: 'credentials.adminBearer', secret: true, description: 'the admin bearer token for /admin/* (D10)' },
    ],
  },
  odm: {
    schemes: [{ id: 'odm-ed25519', keyVariables: { apiKey: 'privateKey', merchantApiKey: 'merchantPrivateKey' } }],
    // D3: merchant API credentials call /merchant/v1 with the same headers as partner credentials.
    surfaces: [{ pathPrefix: '/merchant/', variables: { ApiKey: 'merchantApiKey' } }],
    credentials: [
      { variable: 'apiKey', role: 'default', from: 'credentials.apiKey', secret: true, description: "X-API-Key of the partner's API access record" },
      { variable: 'privateKey', role: 'default', from: 'signing.privateKey', secret: true, description: "the API access record's Ed25519 private key (PKCS#8 PEM, or a base64/hex 32-byte seed)" },
      { variable: 'merchantApiKey', role: 'merchant', from: 'credentials.apiKey', secret: true, description: "X-API-Key of the merchant's API credentials (/merchant/v1)" },
      { variable: 'merchantPrivateKey', role: 'merchant', from: 'signing.privateKey', secret: true, description: "the merchant API credentials' Ed25519 private key" },
    ],
  },
};
