/**
 * `make dredd`: Dredd against each of accord's sandboxes — started here, in memory, on free ports,
 * at their documented rate limits — with the signing hooks. Exit 0 only when every run passes.
 *
 *   node --import tsx harness/dredd/main.ts [provider…]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { selectProviders } from '../../contracts/providers.ts';
import { dreddLine, runDredd, type DreddResult } from './dredd.ts';
import { credentialsFileFor, serveSandbox } from './serve.ts';

/** Serves each provider's sandbox, writes the credentials file, runs Dredd; two at a time. */
export async function dreddAgainstSandboxes(ids: readonly string[] = [], onResult: (r: DreddResult) => void = () => {}): Promise<DreddResult[]> {
  const providers = selectProviders(ids);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-dredd-'));
  const results: DreddResult[] = [];
  try {
    const queue = [...providers];
    const worker = async () => {
      for (let p = queue.shift(); p; p = queue.shift()) {
        const served = await serveSandbox(p.id);
        try {
          const file = path.join(dir, `${p.id}.credentials.json`);
          fs.writeFileSync(file, JSON.stringify(credentialsFileFor([served]), null, 2), { mode: 0o600 });
          const result = await runDredd(p.id, served.baseUrl, file);
          results.push(result);
          onResult(result);
        } finally {
          await served.close();
        }
      }
    };
    await Promise.all([worker(), worker()]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return providers.map((p) => results.find((r) => r.provider === p.id)!);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const results = await dreddAgainstSandboxes(process.argv.slice(2), (r) => {
    process.stdout.write(`${dreddLine(r)}\n`);
    if (!r.ok) process.stdout.write(`${r.failures}\n`);
  });
  const failed = results.filter((r) => !r.ok).length;
  process.stdout.write(failed ? `dredd: ${failed} of ${results.length} sandboxes failed\n` : `dredd: all ${results.length} sandboxes passed\n`);
  process.exitCode = failed ? 1 : 0;
}
