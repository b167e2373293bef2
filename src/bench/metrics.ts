import type { SimStats } from '../simulator/types.js';
import { clientVisibleErrors, countOutcomes, DEADLINE_SHED_CODE } from './classify.js';
import { estimateCostUsd } from './cost.js';
import { checkGoals } from './goals.js';
import type { Outcome } from './outcome.js';
import { cdfPoints, jainIndex, summarize } from './percentiles.js';
import type { StrategyReport } from './report-schema.js';
import type { Scenario } from './scenario.js';
import type { PlannedRequest } from './workload.js';

/** Everything one strategy's run left behind. */
export interface RunRecord {
  name: string;
  upstream: string;
  gateway: string | null;
  outcomes: Outcome[];
  /** Client-side HTTP attempts: ms from run start, status (null: no response), and the gateway's own error code. */
  attempts: { atMs: number; status: number | null; pacerErrorCode?: string | null }[];
  stats: SimStats | null;
  /** Wall-clock ms when the load started (aligned to a whole second). */
  runStartMs: number;
  wallS: number;
}

export interface RunContext {
  scenario: Scenario;
  requests: PlannedRequest[];
  timeScale: number;
  /** Steady-state window in seconds of the run, [from, to). */
  steady: [number, number];
}

const bin = (ms: number): number => Math.floor(ms / 1000);

export function computeStrategyReport(run: RunRecord, ctx: RunContext): StrategyReport {
  const { scenario, timeScale } = ctx;
  const tpm = scenario.simulator.tpm;
  const perMin = 60 / timeScale; // tokens in one wall second -> tokens per simulated minute
  const seconds = Math.max(1, Math.ceil(run.wallS));
  const zeros = (): number[] => new Array<number>(seconds).fill(0);
  const s = {
    t: zeros().map((_, i) => i),
    sent: zeros(),
    ok: zeros(),
    errors: zeros(),
    client_429: zeros(),
    client_shed: zeros(),
    goodput_tpm: zeros(),
    upstream_accepted: zeros(),
    upstream_429: zeros(),
    upstream_tpm: zeros(),
  };
  const add = (arr: number[], i: number, v: number): void => {
    if (i >= 0 && i < arr.length) arr[i] = (arr[i] ?? 0) + v;
  };

  for (const r of ctx.requests) add(s.sent, bin(r.atMs), 1);
  const isShed = (a: RunRecord['attempts'][number]): boolean =>
    a.status === 429 && a.pacerErrorCode === DEADLINE_SHED_CODE;
  for (const a of run.attempts) {
    if (a.status === 429) add(s.client_429, bin(a.atMs), 1);
    if (isShed(a)) add(s.client_shed, bin(a.atMs), 1);
  }
  const errorsByKind: Record<string, number> = {};
  let input = 0;
  let output = 0;
  let retries = 0;
  for (const o of run.outcomes) {
    const b = bin(o.endMs);
    retries += o.retries;
    input += o.inputTokens;
    output += o.outputTokens;
    if (o.ok) {
      add(s.ok, b, 1);
      add(s.goodput_tpm, b, o.charge * perMin);
    } else {
      add(s.errors, b, 1);
      const kind = o.errorKind ?? 'unknown';
      errorsByKind[kind] = (errorsByKind[kind] ?? 0) + 1;
    }
  }
  const startS = bin(run.runStartMs);
  for (const e of run.stats?.timeline ?? []) {
    const i = e.t - startS;
    add(s.upstream_accepted, i, e.accepted);
    add(s.upstream_429, i, e.rejected_429);
    add(s.upstream_tpm, i, e.tokens_charged * perMin);
  }

  const [from, to] = ctx.steady;
  const steadyMean = (arr: number[]): number | null => {
    const lo = Math.max(0, Math.ceil(from));
    const hi = Math.min(arr.length, Math.floor(to));
    if (hi <= lo) return null;
    let sum = 0;
    for (let i = lo; i < hi; i++) sum += arr[i] ?? 0;
    return sum / (hi - lo);
  };
  const goodput = steadyMean(s.goodput_tpm);
  const charged = run.stats ? steadyMean(s.upstream_tpm) : null;
  const okCount = run.outcomes.filter((o) => o.ok).length;
  // The whole run could spend one full bucket plus the refill of every simulated minute it lasted.
  const okCharge = run.outcomes.reduce((sum, o) => sum + (o.ok ? o.charge : 0), 0);
  const budget = tpm * (1 + run.wallS / perMin);
  const total = run.outcomes.length;
  const st = run.stats;
  const queue = run.outcomes.flatMap((o) => (o.queueMs === null ? [] : [o.queueMs]));
  const okE2e = run.outcomes.filter((o) => o.ok).map((o) => o.e2eMs);
  const ttft = run.outcomes.flatMap((o) => (o.ok && o.ttftMs !== null ? [o.ttftMs] : []));
  const tenants = tenantReports(run.outcomes, scenario);
  const outcomes = countOutcomes(run.outcomes);
  const visible = clientVisibleErrors(outcomes);

  const summary: StrategyReport['summary'] = {
    requests: total,
    ok: okCount,
    errors: total - okCount,
    error_rate: total === 0 ? null : (total - okCount) / total,
    errors_by_kind: errorsByKind,
    outcomes,
    client_visible_errors: visible,
    client_visible_error_rate: total === 0 ? null : visible / total,
    shed_attempts: run.attempts.filter(isShed).length,
    goodput_pct: goodput === null ? null : (100 * goodput) / tpm,
    goodput_tokens_per_min: goodput,
    quota_used_pct: (100 * okCharge) / budget,
    upstream_charged_pct: charged === null ? null : (100 * charged) / tpm,
    upstream: st
      ? {
          requests: st.requests,
          accepted: st.accepted,
          rejected_429: st.rejected_429,
          errors_5xx: st.errors_5xx,
          rate_429: st.requests === 0 ? null : st.rejected_429 / st.requests,
          tokens_charged: st.tokens_charged,
        }
      : null,
    client_429: run.attempts.filter((a) => a.status === 429).length,
    retries,
    ttft_ms: summarize(ttft),
    e2e_ms: summarize(okE2e),
    queue_ms: queue.length === 0 ? null : summarize(queue),
    usage_tokens: { input, output },
    cost_usd: estimateCostUsd(scenario.model, input, output),
    fairness_jain: tenants.length < 2 ? null : jainIndex(tenants.map((t) => t.success_rate ?? 0)),
  };

  return {
    name: run.name,
    upstream: run.upstream,
    gateway: run.gateway,
    skipped: null,
    wall_s: run.wallS,
    summary,
    goals: scenario.goals ? checkGoals(summary, scenario.goals) : null,
    tenants,
    series: s,
    cdf: { e2e_ms: cdfPoints(okE2e), ttft_ms: cdfPoints(ttft) },
  };
}

function queueOf(outcomes: Outcome[]): ReturnType<typeof summarize> | null {
  const q = outcomes.flatMap((o) => (o.queueMs === null ? [] : [o.queueMs]));
  return q.length === 0 ? null : summarize(q);
}

function tenantReports(outcomes: Outcome[], scenario: Scenario): StrategyReport['tenants'] {
  return scenario.tenants.map((t) => {
    const mine = outcomes.filter((o) => o.tenant === t.name);
    const ok = mine.filter((o) => o.ok);
    return {
      name: t.name,
      priority: t.priority,
      weight: t.weight,
      requests: mine.length,
      ok: ok.length,
      success_rate: mine.length === 0 ? null : ok.length / mine.length,
      goodput_tokens: ok.reduce((sum, o) => sum + o.charge, 0),
      e2e_ms: summarize(ok.map((o) => o.e2eMs)),
      ttft_ms: summarize(ok.flatMap((o) => (o.ttftMs === null ? [] : [o.ttftMs]))),
      queue_ms: queueOf(ok),
    };
  });
}
