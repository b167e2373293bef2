/**
 * `npm run bench:overhead` end to end in a short run: every target answers every phase, and the
 * report carries Pacer's CPU, its own processing time and the added latency columns. (The
 * figures themselves are the bench's business, not a test's.) Needs `npm run build`.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'pacer-overhead-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bench:overhead', () => {
  it('measures direct, the bare pipe and Pacer in every phase', { timeout: 120_000 }, async () => {
    const json = join(dir, 'overhead.json');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        'dist/bench/overhead/index.js',
        '--duration',
        '0.3',
        '--warmup',
        '0.1',
        '--rates',
        '50',
        '--concurrency',
        '4',
        '--targets',
        'direct,bare,pacer',
        '--json',
        json,
      ],
      { env: { ...process.env, PACER_LEDGER: 'off' } },
    );
    expect(stdout).toContain('machine floor');
    const report = JSON.parse(readFileSync(json, 'utf8')) as {
      rows: {
        target: string;
        mode: string;
        load: string;
        ok: number;
        errors: number;
        cpuMsPerReq: unknown;
        procP99: unknown;
        addedP50: unknown;
      }[];
    };
    // 3 targets x (json, stream) x (50 req/s, saturation)
    expect(report.rows).toHaveLength(12);
    for (const r of report.rows) {
      expect(r.errors, `${r.target} ${r.mode} ${r.load}`).toBe(0);
      expect(r.ok).toBeGreaterThan(0);
      if (r.target !== 'direct') expect(r.addedP50).not.toBeNull();
      if (r.target === 'pacer') {
        expect(r.cpuMsPerReq).not.toBeNull();
        expect(r.procP99).not.toBeNull();
      }
    }
  });
});
