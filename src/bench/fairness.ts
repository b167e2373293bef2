import type { FairnessReport, StrategyReport } from './report-schema.js';

/** Issue #4's goals: quiet tenants' p95 queue wait within 2x, interactive p95 TTFT within +10%. */
export const FAIRNESS_GOALS: FairnessReport['goals'] = {
  queue_p95_max_ratio: 2,
  queue_floor_ms: 1,
  ttft_p95_max_increase: 0.1,
};

export interface FairnessInput {
  loaded: StrategyReport;
  baseline: StrategyReport;
  /** Tenants removed in the baseline run. */
  without: readonly string[];
  tpm: number;
  timeScale: number;
  goals?: FairnessReport['goals'];
}

const ratioOf = (loaded: number | null, baseline: number | null): number | null =>
  loaded === null || baseline === null || baseline === 0 ? null : loaded / baseline;

/**
 * Compares each tenant present in both runs, loaded against baseline, and the removed tenants'
 * share of the capacity the others left. Verdicts come from the data and the goals only.
 */
export function compareFairness(input: FairnessInput): FairnessReport {
  const goals = input.goals ?? FAIRNESS_GOALS;
  const removed = new Set(input.without);
  const base = new Map(input.baseline.tenants.map((t) => [t.name, t]));
  const tenants: FairnessReport['tenants'] = [];
  for (const t of input.loaded.tenants) {
    const b = base.get(t.name);
    if (removed.has(t.name) || !b || t.requests === 0 || b.requests === 0) continue;
    const ql = t.queue_ms?.p95 ?? null;
    const qb = b.queue_ms?.p95 ?? null;
    const tl = t.ttft_ms.p95;
    const tb = b.ttft_ms.p95;
    tenants.push({
      name: t.name,
      priority: t.priority,
      requests: t.requests,
      queue_p95_ms: {
        loaded: ql,
        baseline: qb,
        ratio: ratioOf(ql, qb),
        goal_met:
          ql === null || qb === null
            ? null
            : ql <= Math.max(goals.queue_p95_max_ratio * qb, qb + goals.queue_floor_ms),
      },
      ttft_p95_ms: {
        loaded: tl,
        baseline: tb,
        ratio: ratioOf(tl, tb),
        goal_met:
          t.priority !== 'interactive' || tl === null || tb === null
            ? null
            : tl <= (1 + goals.ttft_p95_max_increase) * tb,
      },
    });
  }
  let noisyTokens = 0;
  let others = 0;
  for (const t of input.loaded.tenants) {
    if (removed.has(t.name)) noisyTokens += t.goodput_tokens;
    else others += t.goodput_tokens;
  }
  // Same denominator as quota used: one full bucket plus TPM for every simulated minute run.
  const ceiling = input.tpm * (1 + (input.loaded.wall_s * input.timeScale) / 60);
  const leftover = ceiling - others;
  return {
    strategy: input.loaded.name,
    without: [...input.without],
    goals,
    tenants,
    noisy: {
      goodput_tokens: noisyTokens,
      others_goodput_tokens: others,
      ceiling_tokens: ceiling,
      share_of_leftover: leftover > 0 ? noisyTokens / leftover : null,
    },
  };
}
