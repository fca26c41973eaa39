import { ulid } from 'ulid';
import type { ProviderHttp } from '../../runtime/server/errors.ts';

/** accord's decision D1: `{ "success": false, "error": { "code", "message" } }`. */
export const http: ProviderHttp = {
  errors: {
    body: ({ code, message }) => ({ success: false, error: { code, message } }),
    codes: {
      validation: 'VALIDATION_ERROR',
      malformedJson: 'VALIDATION_ERROR',
      notFound: 'NOT_FOUND',
      notImplemented: 'INTERNAL_ERROR',
      internal: 'INTERNAL_ERROR',
      payloadTooLarge: 'VALIDATION_ERROR',
    },
  },
  // iStar documents no request id; accord's sandbox generates ULIDs (decision D15).
  requestId: { generate: () => ulid() },
};
