import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(root, 'dist/cli/main.js');

function runCli(
  args: string[],
  untilOutput?: RegExp,
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env, OPENAI_API_KEY: '', PACER_UPSTREAM_BASE_URL: '' };
    const child = spawn(process.execPath, [cli, ...args], {
      cwd: mkdtempSync(join(tmpdir(), 'pacer-serve-')),
      env,
    });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill(), 30_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (untilOutput?.test(out)) child.kill('SIGTERM');
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
  });
}

describe('pacer serve', { timeout: 40_000 }, () => {
  it('demo mode prints the base URL, the demo key and the dashboard, and stops cleanly on SIGTERM', async () => {
    const r = await runCli(['serve', '--port', '0'], /Dashboard: /);
    expect(r.out).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+\/v1/);
    expect(r.out).toContain('Demo key: pacer-demo-key');
    expect(r.out).toMatch(/Dashboard: http:\/\/127\.0\.0\.1:\d+\/dashboard/);
    expect(r.code).toBe(0);
  });

  it('a bad config exits non-zero naming the file, line and field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pacer-cfg-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'upstream:\n  base_url: http://127.0.0.1:1/v1\n  retries: 3\n');
    const r = await runCli(['serve', '--config', file, '--port', '0']);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${file}:3:`);
    expect(r.err).toContain('upstream: unknown key "retries"');
  });

  it('rejects bad flags', async () => {
    const r = await runCli(['serve', '--port', 'abc']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--port must be a number');
  });
});
