import { refilled, waitFor, type BucketPolicy, type BucketState } from './bucket.js';
import type { Dimension, DimensionPolicy } from './policy.js';

export interface Cost {
  requests: number;
  tokens: number;
}

export interface TakeAllResult {
  allowed: boolean;
  /** One state per policy, same order; deducted only when allowed (all or nothing). */
  states: BucketState[];
  /** Max over the dimensions of the time until each would admit the cost. */
  waitMs: number;
  /** The first dimension whose limit the cost exceeds outright. */
  tooLarge: Dimension | null;
  /** The dimension that waits longest (null when allowed). */
  limitedBy: Dimension | null;
}

/**
 * Takes `cost` from every bucket or from none. `reserveShare` keeps that share of each bucket's
 * capacity out of reach (batch traffic may not dip into the interactive reserve): the step runs on
 * a view of the bucket shifted down by the reserve.
 */
export function takeAll(
  states: readonly (BucketState | undefined)[],
  now: number,
  cost: Cost,
  policies: readonly DimensionPolicy[],
  reserveShare = 0,
): TakeAllResult {
  const current = policies.map((p, i) => refilled(states[i], now, p.policy));
  const unitsOf = (i: number): number => (policies[i]!.unit === 'requests' ? cost.requests : cost.tokens);
  let waitMs = 0;
  let limitedBy: Dimension | null = null;
  for (let i = 0; i < policies.length; i++) {
    const { dim, policy } = policies[i]!;
    const units = unitsOf(i);
    if (units > policy.limit) {
      return { allowed: false, states: current, waitMs: Infinity, tooLarge: dim, limitedBy: dim };
    }
    const w = waitFor(
      current[i]!.level - reserveOf(policy, reserveShare),
      units,
      shifted(policy, reserveShare),
    );
    if (w > waitMs) {
      waitMs = w;
      limitedBy = dim;
    }
  }
  if (waitMs > 0) return { allowed: false, states: current, waitMs, tooLarge: null, limitedBy };
  const after = current.map((s, i) => ({ level: s.level - unitsOf(i), at: s.at }));
  return { allowed: true, states: after, waitMs: 0, tooLarge: null, limitedBy: null };
}

function reserveOf(policy: BucketPolicy, share: number): number {
  return share > 0 ? policy.capacity * share : 0;
}

function shifted(policy: BucketPolicy, share: number): BucketPolicy {
  return share > 0
    ? { limit: policy.limit, capacity: policy.capacity * (1 - share), rate: policy.rate }
    : policy;
}
