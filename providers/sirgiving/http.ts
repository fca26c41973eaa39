import { ulid } from '../../runtime/ids.ts';
import { CONVENTIONAL_CODES, type ProviderHttp } from '../../runtime/server/errors.ts';
import { reasonPhrase } from '../../runtime/server/reason.ts';

/** accord's decision D3: NestJS's `{ statusCode, error, message }` plus a machine `code`. */
export const http: ProviderHttp = {
  errors: {
    body: ({ status, code, message }) => ({ statusCode: status, error: reasonPhrase(status), message, code }),
    codes: { ...CONVENTIONAL_CODES, idempotencyKeyInvalid: 'INVALID_IDEMPOTENCY_KEY' },
  },
  // SIR Giving documents no request id (D21); accord's sandbox still answers one, a ULID.
  requestId: { generate: () => ulid() },
};
