import type { Rule } from '../types.ts';

const byEnv = (doc: any) => new Map<string, string>((Array.isArray(doc.servers) ? doc.servers : []).map((s: any, i: number) => [String(s['x-environment'] ?? `servers[${i}]`), String(s.url)]));

/** A server (by `x-environment`) removed or moved: clients configured with its URL stop reaching the API. */
export const serverChanged: Rule = {
  id: 'server-changed',
  summary: 'a server (environment) was removed or its base URL changed (breaking); a new one (non-breaking)',
  document(ctx) {
    const b = byEnv(ctx.base);
    const h = byEnv(ctx.head);
    for (const [env, url] of b) {
      const now = h.get(env);
      if (now === undefined) ctx.report({ level: 'breaking', where: 'servers', message: `environment ${env} (${url}) removed`, pointer: '#/servers' });
      else if (now !== url) ctx.report({ level: 'breaking', where: 'servers', message: `base URL of ${env}: ${url} → ${now}`, pointer: '#/servers' });
    }
    for (const [env, url] of h) if (!b.has(env)) ctx.report({ level: 'non-breaking', where: 'servers', message: `new environment ${env} (${url})`, pointer: '#/servers' });
  },
};
