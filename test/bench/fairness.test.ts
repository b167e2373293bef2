import { describe, expect, it } from 'vitest';
import { compareFairness, FAIRNESS_GOALS } from '../../src/bench/fairness.js';
import { reportSchema, type Report, type StrategyReport } from '../../src/bench/report-schema.js';
import { parseScenario, ScenarioError } from '../../src/bench/scenario.js';
import { formatTable } from '../../src/bench/table.js';
import { renderReportHtml } from '../../src/bench/report-html.js';
import { benchRequestId, buildPlan, withoutTenants } from '../../src/bench/workload.js';
import { emptyReport } from '../../src/bench/empty-report.js';
import { summarize } from '../../src/bench/percentiles.js';

const yaml = `name: f
load: { demand: 1.5 }
prompt_tokens: [{ tokens: 100 }, { tokens: 400 }]
output_tokens: [{ tokens: 100 }, { tokens: 300 }]
stream_fraction: 0.5
routes: { chat: 1, responses: 1 }
tenants:
  - { name: noisy, share: 8 }
  - { name: quiet, share: 1 }
  - { name: ui, share: 1, priority: interactive, deadline_ms: 2000 }
baseline: { without: [noisy] }
`;

describe('paired baseline plan', () => {
  it('removing tenants leaves the others requests identical (index, time, size, route, stream)', () => {
    const s = parseScenario(yaml);
    expect(s.baseline).toEqual({ without: ['noisy'] });
    const plan = buildPlan(s, { durationS: 20, seed: 3 });
    const kept = withoutTenants(plan.requests, ['noisy']);
    const others = plan.requests.filter((r) => r.tenant !== 'noisy');
    expect(kept.length).toBeGreaterThan(10);
    expect(kept.length).toBeLessThan(plan.requests.length);
    expect(kept).toEqual(others);
    expect(kept.every((r) => r.tenant !== 'noisy')).toBe(true);
    // The same request keeps its id, so the simulator draws the same latency for it.
    expect(kept.map(benchRequestId)).toEqual(others.map((r) => `bench-${r.i}`));
    // And a scenario without the noisy tenant would not give the same requests: the pairing matters.
    const alone = buildPlan(
      parseScenario(
        yaml.replace('  - { name: noisy, share: 8 }\n', '').replace('baseline: { without: [noisy] }\n', ''),
      ),
      { durationS: 20, seed: 3 },
    );
    expect(alone.requests.map((r) => r.atMs)).not.toEqual(kept.map((r) => r.atMs));
  });

  it('rejects unknown tenants and removing every tenant', () => {
    expect(() => parseScenario(yaml.replace('without: [noisy]', 'without: [nosiy]'))).toThrow(
      /baseline\.without\.0: unknown tenant "nosiy"/,
    );
    expect(() => parseScenario(yaml.replace('without: [noisy]', 'without: [noisy, quiet, ui]'))).toThrow(
      ScenarioError,
    );
    expect(() => parseScenario(yaml.replace('without: [noisy]', 'without: []'))).toThrow(ScenarioError);
    expect(() =>
      parseScenario(yaml.replace('{ without: [noisy] }', '{ without: [noisy], extra: 1 }')),
    ).toThrow(ScenarioError);
  });
});

/** A tenant row whose p95s are the given values (a single sample each). */
function tenant(name: string, priority: string, goodput: number, queue: number | null, ttft: number | null) {
  return {
    name,
    priority,
    weight: 1,
    requests: 10,
    ok: 10,
    success_rate: 1,
    goodput_tokens: goodput,
    e2e_ms: summarize([100]),
    ttft_ms: summarize(ttft === null ? [] : [ttft]),
    queue_ms: queue === null ? null : summarize([queue]),
  };
}

function run(tenants: ReturnType<typeof tenant>[], wallS = 30): StrategyReport {
  const base = emptyReport('pacer', null);
  return {
    ...base,
    upstream: 'http://127.0.0.1:1/v1',
    gateway: 'http://127.0.0.1:2',
    wall_s: wallS,
    summary: {
      ...base.summary,
      requests: 30,
      ok: 30,
      error_rate: 0,
      goodput_pct: 100,
      goodput_tokens_per_min: 20000,
      quota_used_pct: 90,
      upstream_charged_pct: 100,
    },
    tenants,
  };
}

describe('compareFairness', () => {
  // 20,000 TPM at time scale 20 for 30 s = 10 simulated minutes: ceiling 20,000 x (1 + 10).
  const loaded = run([
    tenant('noisy', 'default', 150_000, 400, 900),
    tenant('quiet', 'default', 20_000, 3, 40),
    tenant('ui', 'interactive', 10_000, 1, 33),
  ]);
  const baseline = run([
    tenant('noisy', 'default', 0, null, null),
    tenant('quiet', 'default', 20_000, 1, 38),
    tenant('ui', 'interactive', 10_000, 0, 30),
  ]);
  baseline.tenants[0]!.requests = 0;
  const f = compareFairness({ loaded, baseline, without: ['noisy'], tpm: 20_000, timeScale: 20 });

  it('compares the tenants present in both runs, with the 1 ms floor on queue wait', () => {
    expect(f.goals).toEqual(FAIRNESS_GOALS);
    expect(f.tenants.map((t) => t.name)).toEqual(['quiet', 'ui']);
    const [quiet, ui] = f.tenants;
    // 3 ms against 1 ms: more than 2x and more than 1 ms above -> fail.
    expect(quiet!.queue_p95_ms).toEqual({ loaded: 3, baseline: 1, ratio: 3, goal_met: false });
    // 1 ms against 0 ms: within the header's resolution -> pass, no ratio.
    expect(ui!.queue_p95_ms).toEqual({ loaded: 1, baseline: 0, ratio: null, goal_met: true });
    // TTFT goal only for interactive tenants: 33 <= 1.1 x 30.
    expect(quiet!.ttft_p95_ms.goal_met).toBeNull();
    expect(ui!.ttft_p95_ms.ratio).toBeCloseTo(1.1);
    expect(ui!.ttft_p95_ms.goal_met).toBe(true);
    const worse = compareFairness({
      loaded: run([tenant('noisy', 'default', 0, 0, 0), tenant('ui', 'interactive', 0, 0, 34)]),
      baseline,
      without: ['noisy'],
      tpm: 20_000,
      timeScale: 20,
    });
    expect(worse.tenants[0]!.ttft_p95_ms.goal_met).toBe(false);
    expect(worse.tenants[0]!.queue_p95_ms.goal_met).toBe(true);
  });

  it('gives the noisy tenants share of what the others left of the ceiling', () => {
    expect(f.noisy.ceiling_tokens).toBe(220_000);
    expect(f.noisy.others_goodput_tokens).toBe(30_000);
    expect(f.noisy.goodput_tokens).toBe(150_000);
    expect(f.noisy.share_of_leftover).toBeCloseTo(150_000 / 190_000);
  });

  it('shows up in report.json, the stdout table and report.html', () => {
    const report: Report = reportSchema.parse({
      version: 1,
      created_at: '2025-01-01T00:00:00.000Z',
      scenario: {
        name: 'f',
        file: 'f.yaml',
        description: '',
        model: 'gpt-4o-mini',
        seed: 1,
        duration_s: 30,
        warmup_s: 3,
        drain_s: 8,
        time_scale: 20,
        demand: 1.5,
        rate_per_s: 10,
        planned_requests: 300,
        tpm: 20_000,
        rpm: 500,
        steady_window_s: [3, 30],
      },
      strategies: [loaded],
      baseline: { without: ['noisy'], requests: 60, run: baseline, fairness: f },
    });
    const text = formatTable(report);
    expect(text).toContain('fairness vs baseline');
    expect(text).toMatch(/quiet\s+default\s+3\.0\/1\.0\s+3\.00x\s+FAIL/);
    expect(text).toMatch(/ui\s+interactive\s+1\.0\/0\.0\s+-\s+pass\s+33\/30\s+1\.10x\s+pass/);
    expect(text).toContain('78.9% of the capacity the others left');
    expect(renderReportHtml(report)).toContain('<h2>Fairness vs baseline</h2>');
    // Reports without a baseline stay valid and print no section.
    const { baseline: _b, ...old } = report;
    expect(formatTable(reportSchema.parse(old))).not.toContain('fairness vs baseline');
  });
});
