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
  /**
   * The flow's declared outcomes: the operations that, run in collection order on a fresh accord
   * sandbox, answer a status other than their success status, and why. Every other request's test
   * expects its operation's success status, so a refused credential fails the run.
   */
  expected?: Readonly<Record<string, { status: number; code: string; why: string }>>;
  /** Operations moved, in this order, into a last folder: a flow that ends a resource runs after the ones that use it. */
  lastFolder?: { name: string; description: string; operations: readonly string[] };
  /**
   * A value the provider hands out of band (ODM texts the OTP to the voucher owner): the request
   * body field that takes it, and where an accord sandbox's control API shows it. Against any
   * other server the user types it into the variable before the request runs.
   */
  outOfBand?: ReadonlyArray<{ variable: string; operation: string; field: string; after: string; control: { path: string; query: Record<string, string>; property: string } }>;
}

export const POSTMAN_CONFIG: Record<ProviderId, PostmanProviderConfig> = {
  starship: {
    expected: {
      cancelOrder: {
        status: 409,
        code: 'ORDER_NOT_CANCELLABLE',
        why: 'it cancels the order createOrder placed; the example product is in stock, so that order is already DELIVERED (201), and only PENDING or PROCESSING orders can be cancelled',
      },
    },
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
    expected: {
      createUser: { status: 409, code: 'USER_ALREADY_EXISTS', why: "submitAction, earlier in the run, already created user-8842 from the action's externalUserId" },
      rotatePartnerKeys: { status: 409, code: 'API_KEY_ALREADY_REVOKED', why: 'it rotates the key pair that revokePartnerKeys, just before it, revoked' },
    },
    schemes: [{ id: 'sirgiving-hmac', keyVariables: { partnerKey: 'signingSecret' } }],
    credentials: [
      { variable: 'partnerKey', role: 'default', from: 'credentials.partnerKey', secret: true, description: 'X-Partner-Key: the sk_ key (signed) or the pk_ key (unsigned, publishable scope only)' },
      { variable: 'signingSecret', role: 'default', from: 'signing.secret', secret: true, description: "the 64-hex HMAC signing secret of the sk_ key (sirgiving-hmac, D5); leave empty with a pk_ key" },
      { variable: 'adminBearer', role: 'admin', from: 'credentials.adminBearer', secret: true, description: 'the admin bearer token for /admin/* (D10)' },
    ],
  },
  odm: {
    // The redemption flow runs on the voucher the run issued: validate (an OTP is sent), claim part
    // of it with that OTP, read the claim; only then is the voucher cancelled.
    lastFolder: { name: 'partner-vouchers: cancel', description: 'Cancels the voucher the run issued, after the merchant redemption flow used it.', operations: ['cancelVoucher'] },
    outOfBand: [
      {
        variable: 'otp',
        operation: 'createClaim',
        field: 'otp',
        after: 'validateVoucher',
        control: { path: '/otp', query: { validation_id: 'validation_id' }, property: 'otp' },
      },
    ],
    expected: {
      resendOtp: { status: 429, code: 'RATE_LIMITED', why: 'one OTP resend per 60 s per validation (D12), and the run resends right after validateVoucher sent the OTP' },
    },
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
