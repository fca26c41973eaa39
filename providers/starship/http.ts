import { ulid } from '../../runtime/ids.ts';
import { CONVENTIONAL_CODES, type ProviderHttp } from '../../runtime/server/errors.ts';
import { codeToName } from '../../runtime/server/reason.ts';

/** Starship's documented envelope: `{ "error": { "name", "code", "message" } }`. */
export const http: ProviderHttp = {
  errors: {
    body: ({ code, message }) => ({ error: { name: codeToName(code), code, message } }),
    codes: { ...CONVENTIONAL_CODES, unsupportedMediaType: 'UNSUPPORTED_MEDIA_TYPE', notImplemented: 'SERVICE_UNAVAILABLE', idempotencyKeyInvalid: 'IDEMPOTENCY_KEY_INVALID' },
  },
  // Starship echoes the caller's X-Request-Id, else generates a ULID (the docs' example id is one).
  requestId: { generate: () => ulid() },
};
