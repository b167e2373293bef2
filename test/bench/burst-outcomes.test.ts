import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatTable, runBench } from '../../src/bench/index.js';

describe('a small burst through the real gateway: outcomes told apart, goals checked', () => {
  it('pacer sheds by deadline (not an error), and the drain waits for the retries it told', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pacer-bench-'));
    const file = path.join(dir, 'burst-mini.yaml');
    writeFileSync(
      file,
      `name: burst-mini
duration_s: 3
drain_s: 3
load: { demand: 3 }
prompt_tokens: [{ tokens: 200 }]
output_tokens: [{ tokens: 100 }]
stream_fraction: 0.5
tenants: [{ name: app, deadline_ms: 500 }]
simulator: { rpm: 500, tpm: 20000, ttft_ms: 50, tokens_per_s: 400, time_scale: 20 }
strategies: [pacer]
goals: { goodput_min_pct: 50, upstream_429_max_pct: 0.5, client_visible_errors_max: 0 }
`,
    );
    const { report } = await runBench({ scenario: file, reportDir: dir, seed: 5 });
    const pacer = report.strategies[0]!;
    const o = pacer.summary.outcomes!;
    expect(o.ok + o.shed + o.upstream_429 + o.other_error + o.unfinished).toBe(
      report.scenario.planned_requests,
    );
    // Demand is three times the ceiling: Pacer sheds at once (and the SDK retries as told).
    expect(pacer.summary.shed_attempts).toBeGreaterThan(0);
    // Sheds and unfinished requests are not client-visible errors; the drain waited for the retries.
    expect(pacer.summary.client_visible_errors).toBe(o.upstream_429 + o.other_error);
    expect(o.other_error).toBe(0);
    expect(o.unfinished).toBe(0);
    expect(o.upstream_429).toBeLessThanOrEqual(pacer.summary.upstream!.rejected_429);
    expect(pacer.goals?.client_visible_errors.goal_met).toBe(pacer.summary.client_visible_errors === 0);
    expect(report.scenario.goals).toEqual({
      goodput_min_pct: 50,
      upstream_429_max_pct: 0.5,
      client_visible_errors_max: 0,
    });
    const table = formatTable(report);
    expect(table).toContain('goals of scenario burst-mini');
    expect(table).toMatch(/^pacer\s.*\d+ (pass|FAIL)\s+(pass|FAIL)$/m);
  }, 40_000);
});
