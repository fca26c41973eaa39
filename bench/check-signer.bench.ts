/**
 * check-signer throughput: cases per second (staged vectors, 1,000 property cases, 1,000 verifies,
 * 1,000 negatives) through the command protocol (JSON lines to a reference signer's process),
 * against the same run with accord's engine answering in this process (no process, no JSON). The
 * ratio is the price of the protocol and of the other language; the cases are drawn once and shared.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../contracts/providers.ts';
import { checkSigner } from '../harness/signer/run.ts';
import { commandTransport, engineTransport, type Transport } from '../harness/signer/transport.ts';
import type { SchemeId } from '../signing/types.ts';
import type { Report } from './run.ts';

const SCHEMES: SchemeId[] = ['starship-hmac-v1', 'odm-ed25519'];
const CASES = 1000;

function has(tool: string, args: string[]): boolean {
  try {
    execFileSync(tool, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export default async function bench(report: Report): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'accord-bench-signers-'));
  const commands: Record<string, string> = { node: `${process.execPath} ${REPO_ROOT}/signers/node/accord-signer.mjs serve` };
  if (has('go', ['version'])) {
    execFileSync('go', ['build', '-o', path.join(dir, 'accord-signer'), './cmd/accord-signer'], { cwd: path.join(REPO_ROOT, 'signers', 'go'), stdio: 'ignore' });
    commands.go = `${path.join(dir, 'accord-signer')} serve`;
  }
  if (has('/usr/bin/python3', ['-c', 'import cryptography'])) commands.python = `/usr/bin/python3 ${REPO_ROOT}/signers/python/accord_signer.py serve`;
  if (has('php', ['-v'])) commands.php = `php ${REPO_ROOT}/signers/php/accord_signer.php serve`;
  try {
    for (const scheme of SCHEMES) {
      const engine = await engineTransport();
      await checkSigner({ scheme, role: 'both', seed: 1, cases: CASES, transport: engine }); // draws and signs the cases once
      const peer = (await checkSigner({ scheme, role: 'both', seed: 1, cases: CASES, transport: engine })).casesPerSecond;
      report(`${scheme}: in-process engine ${peer} cases/s`);
      for (const [lang, command] of Object.entries(commands)) {
        const transport: Transport = commandTransport(command, { timeoutMs: 30_000 });
        try {
          const r = await checkSigner({ scheme, role: 'both', seed: 1, cases: CASES, transport });
          report(`${scheme}: ${lang} over the command protocol ${r.casesPerSecond} cases/s (${(r.casesPerSecond / peer).toFixed(2)}× in-process), ${r.passed + r.failed} cases, ${r.failed} failed`);
        } finally {
          await transport.close();
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
