import type { ErrorEnvelope } from '../../runtime/server/errors.ts';

/** accord's decision: `{ "error": { "code", "message", "request_id" } }`. */
export const errors: ErrorEnvelope = {
  body: ({ code, message, requestId }) => ({ error: { code, message, request_id: requestId } }),
  codes: {
    validation: 'VALIDATION_ERROR',
    malformedJson: 'VALIDATION_ERROR',
    notFound: 'NOT_FOUND',
    notImplemented: 'INTERNAL_ERROR',
    internal: 'INTERNAL_ERROR',
    payloadTooLarge: 'VALIDATION_ERROR',
  },
};
