/**
 * The CommonJS bridge from Dredd's hooks (loaded with require) to accord's TypeScript modules:
 * tsx compiles them on require, so the hooks sign with the same engine as everything else.
 */
'use strict';
const tsx = require('tsx/cjs/api');

// Registered once for this process: a require() of a .ts file below compiles it.
tsx.register();
const { sign } = require('../../signing/engine.ts');
const { DREDD_PROVIDERS } = require('./providers.ts');

module.exports = {
  /** signing/engine.ts sign(schemeId, input). */
  sign,
  /** generated/<provider>/contract.ts: auth headers, signing, idempotency per operation. */
  contractOf: (provider) => require(`../../generated/${provider}/contract.ts`).contract,
  /** harness/dredd/providers.ts: which role calls what, what Dredd cannot run and why. */
  dreddDataOf: (provider) => DREDD_PROVIDERS[provider],
};
