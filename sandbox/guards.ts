/** The shared guards: who is calling (the provider decides), then their signature (the engine decides). */
import { verify } from '../signing/engine.ts';
import { SignatureVerificationError } from '../signing/errors.ts';
import type { Guard } from '../runtime/server/router.ts';
import type { ProviderSandbox, SandboxContext } from './provider.ts';

export function authGuard(provider: ProviderSandbox, ctx: SandboxContext): Guard {
  return (call) => {
    const principal = provider.authenticate(call, ctx);
    call.state.principal = principal;
    if (!principal.signing || call.operation.signing === 'none') return undefined;
    try {
      verify(principal.signing.scheme, {
        method: call.c.req.method,
        path: call.target.path,
        query: call.target.query,
        headers: call.c.req.raw.headers,
        body: call.rawBody,
        // Signatures are checked against the real clock: a client signs with its own clock.
        now: Math.floor(Date.now() / 1000),
        ...(principal.signing.secret !== undefined ? { secret: principal.signing.secret } : {}),
        ...(principal.signing.publicKey !== undefined ? { publicKey: principal.signing.publicKey } : {}),
      });
    } catch (err) {
      if (err instanceof SignatureVerificationError) throw provider.signatureError(err, call);
      throw err;
    }
    return undefined;
  };
}
