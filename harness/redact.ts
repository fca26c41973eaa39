/** Secrets never reach a report: every credential value is replaced wherever it appears. */
import type { SandboxCredential } from '../sandbox/provider.ts';

export const REDACTED = '«redacted»';
/** Headers whose values are credentials even when the value is not in the credentials file. */
const SECRET_HEADERS = /secret|authorization|api-key|partner-key/i;
/** `"secret": "…"`, `"hmacSecret": "…"`, `"private_key": "…"`, `"secretKey": "…"` in a JSON body. */
const SECRET_FIELD = /"([A-Za-z_]*(?:[Ss]ecret|[Pp]rivate_?[Kk]ey|PRIVATE_KEY)[A-Za-z_]*)"\s*:\s*"(?:[^"\\]|\\.)*"/g;

export function createRedactor(credentials: Record<string, SandboxCredential>): { text(s: string): string; headers(h: Record<string, string>): Record<string, string> } {
  const values = new Set<string>();
  for (const cred of Object.values(credentials)) {
    for (const v of Object.values(cred.credentials)) if (v.length >= 6) values.add(v);
    if (cred.signing?.secret) values.add(cred.signing.secret);
    if (cred.signing?.privateKey) {
      values.add(cred.signing.privateKey);
      // the key body alone, in case a PEM is re-wrapped or JSON-escaped
      const body = cred.signing.privateKey.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
      if (body.length > 16) values.add(body);
    }
  }
  const ordered = [...values].sort((a, b) => b.length - a.length);
  const text = (s: string) => {
    let out = s;
    for (const v of ordered) if (out.includes(v)) out = out.split(v).join(REDACTED);
    // Secrets the implementation hands out (a new webhook secret, a generated key pair) are not in
    // the credentials file: redact any JSON field whose name says it is one.
    return out.replace(SECRET_FIELD, (_m, key: string) => `"${key}":"${REDACTED}"`);
  };
  return {
    text,
    headers: (h) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k, SECRET_HEADERS.test(k) ? (v ? REDACTED : v) : text(v)])),
  };
}
