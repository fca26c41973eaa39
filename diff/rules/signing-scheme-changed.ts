import type { Rule } from '../types.ts';

const schemes = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []);

/**
 * The root `x-signing`: the request scheme clients sign with, the webhook scheme they verify, and
 * the timestamp window. A replaced request scheme or webhook scheme breaks clients; unsigned
 * webhooks break clients that require a signature; a shorter request window rejects clients whose
 * clock drifts within the old one.
 */
export const signingSchemeChanged: Rule = {
  id: 'signing-scheme-changed',
  summary: 'x-signing changed: request or webhook signing scheme replaced or dropped, window shortened',
  document(ctx) {
    const b = ctx.base['x-signing'] ?? {};
    const h = ctx.head['x-signing'] ?? {};
    const pointer = '#/x-signing';
    const br = schemes(b.request);
    const hr = schemes(h.request);
    const rGone = br.filter((s) => !hr.includes(s));
    const rNew = hr.filter((s) => !br.includes(s));
    if (rGone.length && hr.length) ctx.report({ level: 'breaking', where: 'x-signing.request', message: `request signing ${br.join(', ')} → ${hr.join(', ')}: requests signed with ${rGone.join(', ')} are rejected`, pointer });
    else if (rGone.length) ctx.report({ level: 'non-breaking', where: 'x-signing.request', message: `requests are no longer signed (was ${br.join(', ')})`, pointer });
    else if (rNew.length) ctx.report({ level: br.length ? 'non-breaking' : 'risky', where: 'x-signing.request', message: br.length ? `new request signing scheme ${rNew.join(', ')} (alongside ${br.join(', ')})` : `requests are now signed with ${rNew.join(', ')} (see each operation's x-signing)`, pointer });
    const bw = schemes(b.webhooks);
    const hw = schemes(h.webhooks);
    const wGone = bw.filter((s) => !hw.includes(s));
    const wNew = hw.filter((s) => !bw.includes(s));
    if (wGone.length) ctx.report({ level: 'breaking', where: 'x-signing.webhooks', message: hw.length ? `webhook signing ${bw.join(', ')} → ${hw.join(', ')}: verifiers of ${wGone.join(', ')} reject the new signatures` : `webhooks are no longer signed (was ${bw.join(', ')}): verifying endpoints reject every delivery`, pointer });
    else if (wNew.length) ctx.report({ level: 'non-breaking', where: 'x-signing.webhooks', message: `webhooks now signed with ${wNew.join(', ')}${bw.length ? ` (alongside ${bw.join(', ')})` : ''}`, pointer });
    const bwin = b.window_seconds;
    const hwin = h.window_seconds;
    if (typeof bwin === 'number' && typeof hwin === 'number' && hwin !== bwin) {
      const shorter = hwin < bwin && hr.length > 0;
      ctx.report({ level: shorter ? 'risky' : 'non-breaking', where: 'x-signing.window_seconds', message: `signature timestamp window ±${bwin} s → ±${hwin} s${shorter ? ': clients whose clock drifts more are rejected' : ''}`, pointer });
    }
  },
};
