import { ulid } from '../../runtime/ids.ts';
import { CONVENTIONAL_CODES, type ProviderHttp } from '../../runtime/server/errors.ts';

/** accord's decision: `{ "error": { "code", "message", "request_id" } }`. */
export const http: ProviderHttp = {
  errors: {
    body: ({ code, message, requestId }) => ({ error: { code, message, request_id: requestId } }),
    codes: CONVENTIONAL_CODES,
  },
  // ODM request ids are `req_` + a ULID (D5); a caller's id in another format is replaced, so the error body's request_id always matches its schema.
  requestId: { generate: () => `req_${ulid()}`, accepts: (id) => /^req_[0-9A-HJKMNP-TV-Z]{26}$/.test(id) },
};
