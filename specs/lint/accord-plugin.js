// Redocly plugin with the two accord lint rules that configurable rules cannot express.
// Each rule is configured per API in redocly.yaml, so a provider differs only in data.
import errorEnvelope from './rules/error-envelope.js';
import idempotencyKey from './rules/idempotency-key.js';

export default function accordPlugin() {
  return {
    id: 'accord',
    rules: {
      oas3: {
        'error-envelope': errorEnvelope,
        'idempotency-key': idempotencyKey,
      },
    },
  };
}
