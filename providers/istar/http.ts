import { ulid } from '../../runtime/ids.ts';
import { CONVENTIONAL_CODES, type ProviderHttp } from '../../runtime/server/errors.ts';

/** accord's decision D1: `{ "success": false, "error": { "code", "message" } }`. */
export const http: ProviderHttp = {
  errors: {
    body: ({ code, message }) => ({ success: false, error: { code, message } }),
    codes: CONVENTIONAL_CODES,
  },
  // iStar documents no request id; accord's sandbox generates ULIDs (decision D15).
  requestId: { generate: () => ulid() },
};
