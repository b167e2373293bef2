import { describe, expect, it } from 'vitest';
import { formatGoals } from '../../src/bench/goals-table.js';
import { computeStrategyReport, type RunRecord } from '../../src/bench/metrics.js';
import type { Report } from '../../src/bench/report-schema.js';
import type { Outcome } from '../../src/bench/outcome.js';
import { parseScenario } from '../../src/bench/scenario.js';
import { buildPlan } from '../../src/bench/workload.js';

const scenario = parseScenario(`name: m
load: { rate_per_s: 2 }
prompt_tokens: [{ tokens: 100 }]
output_tokens: [{ tokens: 100 }]
tenants: [{ name: a }, { name: b, weight: 2 }]
simulator: { tpm: 6000, time_scale: 10 }
`);

function outcome(i: number, endMs: number, ok: boolean, tenant = 'a', extra: Partial<Outcome> = {}): Outcome {
  return {
    i,
    tenant,
    priority: 'default',
    route: 'chat',
    stream: true,
    ok,
    errorKind: ok ? null : 'rate_limited',
    status: ok ? 200 : 429,
    pacerErrorCode: null,
    endMs,
    ttftMs: ok ? 10 : null,
    e2eMs: 50 + i,
    queueMs: null,
    retries: 0,
    inputTokens: 100,
    outputTokens: 80,
    charge: 200,
    ...extra,
  };
}

describe('computeStrategyReport', () => {
  it('bins by second, scales to tokens per simulated minute and averages the steady window', () => {
    const runStartMs = 1_700_000_000_000;
    // Seconds 0..3: 1, 2, 3, 4 successes of 200 tokens; one failure at second 1.
    const outcomes = [
      outcome(0, 100, true),
      outcome(1, 1100, true),
      outcome(2, 1200, true),
      outcome(3, 1300, false),
      outcome(4, 2100, true),
      outcome(5, 2200, true),
      outcome(6, 2300, true, 'b'),
    ];
    outcomes.push(...[0, 1, 2, 3].map((k) => outcome(7 + k, 3000 + k * 10, true, 'b')));
    const t0 = runStartMs / 1000;
    const run: RunRecord = {
      name: 'x',
      upstream: 'http://u/v1',
      gateway: null,
      outcomes,
      attempts: [
        { atMs: 1250, status: 429 },
        { atMs: 1300, status: 429 },
        { atMs: 2500, status: 200 },
      ],
      stats: {
        requests: 12,
        accepted: 10,
        rejected_429: 2,
        errors_5xx: 0,
        tokens_in: 0,
        tokens_out: 0,
        tokens_charged: 2000,
        client_secrets_minted: 0,
        realtime_sessions: 0,
        timeline: [
          { t: t0 - 1, accepted: 99, rejected_429: 99, tokens_charged: 99 },
          { t: t0 + 1, accepted: 2, rejected_429: 2, tokens_charged: 600 },
          { t: t0 + 2, accepted: 3, rejected_429: 0, tokens_charged: 600 },
        ],
      },
      runStartMs,
      wallS: 4,
    };
    const plan = buildPlan(scenario, { durationS: 4 });
    const r = computeStrategyReport(run, {
      scenario,
      requests: plan.requests,
      timeScale: 10,
      steady: [1, 3],
    });
    // 1 wall second = 1/6 simulated minute: tokens per minute = tokens * 6.
    expect(r.series.goodput_tpm).toEqual([1200, 2400, 3600, 4800]);
    expect(r.series.errors).toEqual([0, 1, 0, 0]);
    expect(r.series.client_429).toEqual([0, 2, 0, 0]);
    expect(r.series.upstream_429).toEqual([0, 2, 0, 0]); // the entry before the start is ignored
    expect(r.series.upstream_tpm).toEqual([0, 3600, 3600, 0]);
    // Steady window [1, 3): mean of 2400 and 3600 = 3000 tokens/min of 6000 TPM.
    expect(r.summary.goodput_tokens_per_min).toBe(3000);
    expect(r.summary.goodput_pct).toBe(50);
    expect(r.summary.upstream_charged_pct).toBe(60);
    // 10 successes x 200 tokens over (one full bucket + 4 s = 0.667 simulated minutes) x 6000.
    expect(r.summary.quota_used_pct).toBeCloseTo((100 * 2000) / (6000 * (1 + 4 / 6)));
    expect(r.summary).toMatchObject({
      requests: 11,
      ok: 10,
      errors: 1,
      errors_by_kind: { rate_limited: 1 },
      client_429: 2,
    });
    expect(r.summary.upstream).toMatchObject({ rate_429: 2 / 12 });
    expect(r.summary.cost_usd).toBeCloseTo((11 * 100 * 0.15 + 11 * 80 * 0.6) / 1e6);
    expect(r.summary.e2e_ms.count).toBe(10);
    expect(r.tenants.map((t) => [t.name, t.ok, t.requests])).toEqual([
      ['a', 5, 6],
      ['b', 5, 5],
    ]);
    expect(r.summary.fairness_jain).toBeGreaterThan(0.9);
    expect(r.summary.fairness_jain).toBeLessThan(1);
  });

  it('reports null upstream figures when the target has no /sim/stats', () => {
    const plan = buildPlan(scenario, { durationS: 2 });
    const run: RunRecord = {
      name: 'x',
      upstream: 'u',
      gateway: null,
      outcomes: [],
      attempts: [],
      stats: null,
      runStartMs: 0,
      wallS: 2,
    };
    const r = computeStrategyReport(run, {
      scenario,
      requests: plan.requests,
      timeScale: 10,
      steady: [0, 2],
    });
    expect(r.summary.upstream).toBeNull();
    expect(r.summary.upstream_charged_pct).toBeNull();
    expect(r.summary.error_rate).toBeNull();
    expect(r.summary.goodput_pct).toBe(0);
  });

  it('classifies outcomes, counts shed attempts and checks the scenario goals', () => {
    const withGoals = parseScenario(`name: g
load: { demand: 2 }
prompt_tokens: [{ tokens: 100 }]
output_tokens: [{ tokens: 100 }]
simulator: { tpm: 6000, time_scale: 10 }
goals: { goodput_min_pct: 97, upstream_429_max_pct: 0.5, client_visible_errors_max: 0 }
`);
    const shed = {
      errorKind: 'rate_limited' as const,
      status: 429,
      pacerErrorCode: 'PACER_DEADLINE_EXCEEDED',
    };
    const outcomes = [
      ...[0, 1, 2, 3, 4].map((i) => outcome(i, 1000 + i * 100, true)),
      outcome(5, 1500, false, 'a', shed),
      outcome(6, 1600, false, 'a', shed),
      outcome(7, 3900, false, 'a', { errorKind: 'cut', status: null }),
    ];
    const run: RunRecord = {
      name: 'pacer',
      upstream: 'u',
      gateway: 'g',
      outcomes,
      attempts: [
        { atMs: 1200, status: 429, pacerErrorCode: 'PACER_DEADLINE_EXCEEDED' },
        { atMs: 1400, status: 429, pacerErrorCode: 'PACER_DEADLINE_EXCEEDED' },
        { atMs: 1500, status: 429, pacerErrorCode: 'PACER_DEADLINE_EXCEEDED' },
        { atMs: 1600, status: 200, pacerErrorCode: null },
      ],
      stats: {
        requests: 5,
        accepted: 5,
        rejected_429: 0,
        errors_5xx: 0,
        tokens_in: 0,
        tokens_out: 0,
        tokens_charged: 1000,
        client_secrets_minted: 0,
        realtime_sessions: 0,
        timeline: [],
      },
      runStartMs: 0,
      wallS: 4,
    };
    const plan = buildPlan(withGoals, { durationS: 4 });
    const r = computeStrategyReport(run, {
      scenario: withGoals,
      requests: plan.requests,
      timeScale: 10,
      steady: [1, 2],
    });
    expect(r.summary.outcomes).toEqual({ ok: 5, shed: 2, upstream_429: 0, other_error: 0, unfinished: 1 });
    expect(r.summary.errors).toBe(3); // the old figure, kept: every request that did not succeed
    expect(r.summary.client_visible_errors).toBe(0);
    expect(r.summary.shed_attempts).toBe(3);
    expect(r.series.client_shed).toEqual([0, 3, 0, 0]);
    // Second 1 holds all five successes: 5 x 200 tokens x 6 = 6000 tokens/min = 100 %.
    expect(r.goals).toEqual({
      goodput_pct: { value: 100, target: 97, goal_met: true },
      upstream_429_pct: { value: 0, target: 0.5, goal_met: true },
      client_visible_errors: { value: 0, target: 0, goal_met: true },
      met: true,
    });

    const failing = computeStrategyReport(
      {
        ...run,
        name: 'naive',
        outcomes: [...outcomes, outcome(8, 1700, false)],
        stats: { ...run.stats!, rejected_429: 1 },
      },
      { scenario: withGoals, requests: plan.requests, timeScale: 10, steady: [1, 2] },
    );
    expect(failing.summary.client_visible_errors).toBe(1);
    expect(failing.goals).toMatchObject({
      upstream_429_pct: { value: 20, goal_met: false },
      client_visible_errors: { value: 1, goal_met: false },
      met: false,
    });
    const report = {
      scenario: { name: 'g', drain_s: 5, goals: withGoals.goals },
      strategies: [r, failing],
    } as unknown as Report;
    const text = formatGoals(report);
    expect(text).toMatch(/^pacer\s+100\.0% pass\s+0\.0% pass\s+0 pass\s+pass$/m);
    expect(text).toMatch(/^naive\s.*20\.0% FAIL\s+1 FAIL\s+FAIL$/m);
  });
});
