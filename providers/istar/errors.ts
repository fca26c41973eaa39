import type { ErrorEnvelope } from '../../runtime/server/errors.ts';

/** accord's decision D1: `{ "success": false, "error": { "code", "message" } }`. */
export const errors: ErrorEnvelope = {
  body: ({ code, message }) => ({ success: false, error: { code, message } }),
  codes: {
    validation: 'VALIDATION_ERROR',
    malformedJson: 'VALIDATION_ERROR',
    notFound: 'NOT_FOUND',
    notImplemented: 'INTERNAL_ERROR',
    internal: 'INTERNAL_ERROR',
    payloadTooLarge: 'VALIDATION_ERROR',
  },
};
