import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBench } from '../../src/bench/index.js';

describe('runBench under faults (real simulator)', () => {
  it('counts client-visible failures under chaos (naive never retries)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pacer-bench-'));
    const file = path.join(dir, 'chaos-mini.yaml');
    writeFileSync(
      file,
      `name: chaos-mini
duration_s: 2
drain_s: 2
load: { rate_per_s: 25 }
prompt_tokens: [{ tokens: 50 }]
output_tokens: [{ tokens: 40 }]
stream_fraction: 0.5
simulator: { tpm: 1000000, rpm: 100000, time_scale: 30, fault_5xx: 0.3, fault_reset: 0.15, fault_stall: 0.1 }
strategies: [naive]
`,
    );
    const { report } = await runBench({ scenario: file, reportDir: dir, seed: 3 });
    const naive = report.strategies[0]!;
    expect(naive.summary.errors).toBeGreaterThan(0);
    expect(naive.summary.errors_by_kind['server_error']).toBeGreaterThan(0);
    expect(naive.summary.retries).toBe(0);
    expect(naive.summary.ok + naive.summary.errors).toBe(report.scenario.planned_requests);
    expect(naive.summary.upstream!.errors_5xx).toBeGreaterThanOrEqual(
      naive.summary.errors_by_kind['server_error']!,
    );
  }, 20_000);
});
