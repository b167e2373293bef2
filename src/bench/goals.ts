import type { GoalsReport, StrategyReport } from './report-schema.js';
import type { Scenario } from './scenario.js';

export type ScenarioGoals = NonNullable<Scenario['goals']>;

/**
 * Issue #3's goal for `pacer` under the burst (scenario `goals:`), checked on the data of any
 * strategy: steady-state goodput of at least `goodput_min_pct` of the token ceiling, at most
 * `upstream_429_max_pct` of upstream attempts answered 429, and at most
 * `client_visible_errors_max` requests ending in an error their client saw while its deadline
 * allowed (deadline sheds and requests unfinished at the end of the drain are not that).
 * A figure the run could not measure (no /sim/stats behind --target) gives null, not a pass.
 */
export function checkGoals(summary: StrategyReport['summary'], goals: ScenarioGoals): GoalsReport {
  const up = summary.upstream?.rate_429;
  const upstreamPct = up === null || up === undefined ? null : up * 100;
  const errors = summary.client_visible_errors ?? null;
  const goodput = {
    value: summary.goodput_pct,
    target: goals.goodput_min_pct,
    goal_met: summary.goodput_pct === null ? null : summary.goodput_pct >= goals.goodput_min_pct,
  };
  const upstream = {
    value: upstreamPct,
    target: goals.upstream_429_max_pct,
    goal_met: upstreamPct === null ? null : upstreamPct <= goals.upstream_429_max_pct,
  };
  const client = {
    value: errors,
    target: goals.client_visible_errors_max,
    goal_met: errors === null ? null : errors <= goals.client_visible_errors_max,
  };
  const all = [goodput.goal_met, upstream.goal_met, client.goal_met];
  return {
    goodput_pct: goodput,
    upstream_429_pct: upstream,
    client_visible_errors: client,
    met: all.includes(false) ? false : all.includes(null) ? null : true,
  };
}
