import { levelAt, waitFor, type BucketPolicy, type BucketState } from './bucket.js';
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
  const levels: number[] = [];
  let waitMs = 0;
  let limitedBy: Dimension | null = null;
  for (let i = 0; i < policies.length; i++) {
    const { dim, unit, policy } = policies[i]!;
    const state = states[i];
    const level = state ? levelAt(state, now, policy) : policy.capacity;
    levels.push(level);
    const units = unit === 'requests' ? cost.requests : cost.tokens;
    if (units > policy.limit) {
      return {
        allowed: false,
        states: refilled(states, levels, policies, now),
        waitMs: Infinity,
        tooLarge: dim,
        limitedBy: dim,
      };
    }
    const w = waitFor(level - reserveOf(policy, reserveShare), units, shifted(policy, reserveShare));
    if (w > waitMs) {
      waitMs = w;
      limitedBy = dim;
    }
  }
  const after: BucketState[] = [];
  for (let i = 0; i < policies.length; i++) {
    const { unit } = policies[i]!;
    const state = states[i];
    const at = state && state.at > now ? state.at : now;
    const level = levels[i]!;
    after.push({
      level: waitMs === 0 ? level - (unit === 'requests' ? cost.requests : cost.tokens) : level,
      at,
    });
  }
  return { allowed: waitMs === 0, states: after, waitMs, tooLarge: null, limitedBy };
}

function reserveOf(policy: BucketPolicy, share: number): number {
  return share > 0 ? policy.capacity * share : 0;
}

function shifted(policy: BucketPolicy, share: number): BucketPolicy {
  return share > 0
    ? { limit: policy.limit, capacity: policy.capacity * (1 - share), rate: policy.rate }
    : policy;
}

function refilled(
  states: readonly (BucketState | undefined)[],
  levels: number[],
  policies: readonly DimensionPolicy[],
  now: number,
): BucketState[] {
  return policies.map((p, i) => {
    const s = states[i];
    return {
      level: levels[i] ?? (s ? levelAt(s, now, p.policy) : p.policy.capacity),
      at: s && s.at > now ? s.at : now,
    };
  });
}
