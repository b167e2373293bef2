import { refilled, type BucketState } from './bucket.js';
import type { DimensionPolicy } from './policy.js';
import type { Cost } from './take-all.js';

export interface StartWaitResult {
  /** Ms until the cost could be taken once the work ahead went first (0 = now, Infinity = never). */
  waitMs: number;
  /** The states refilled to `now`, one per policy (nothing is taken: this is a question). */
  states: BucketState[];
}

/**
 * When (ms from now) `cost` could start if the work `ahead` of it is taken first, from bucket
 * levels: each bucket must refill the work ahead plus the cost (capped at the burst the cost may
 * use: the debt rule), above the reserve when `reserveShare` applies. Exact for nothing ahead,
 * an estimate otherwise (later arrivals of a higher priority can still overtake). The queue's
 * shed-at-once check; the Redis port is start-wait.lua.
 */
export function waitAfter(
  levels: readonly number[],
  ahead: Cost,
  cost: Cost,
  policies: readonly DimensionPolicy[],
  reserveShare: number,
): number {
  let wait = 0;
  for (let i = 0; i < policies.length; i++) {
    const { unit, policy } = policies[i]!;
    const reserve = reserveShare > 0 ? policy.capacity * reserveShare : 0;
    const capacity = reserveShare > 0 ? policy.capacity * (1 - reserveShare) : policy.capacity;
    const own = unit === 'requests' ? cost.requests : cost.tokens;
    const before = unit === 'requests' ? ahead.requests : ahead.tokens;
    const need = before + Math.min(own, capacity);
    const avail = (levels[i] ?? policy.capacity) - reserve;
    if (need <= avail) continue;
    const w = policy.rate > 0 ? (need - avail) / policy.rate : Infinity;
    if (w > wait) wait = w;
  }
  return wait;
}

/** waitAfter on the states refilled to `now` (a missing state is a full bucket). Writes nothing. */
export function startWait(
  states: readonly (BucketState | undefined)[],
  now: number,
  ahead: Cost,
  cost: Cost,
  policies: readonly DimensionPolicy[],
  reserveShare = 0,
): StartWaitResult {
  const current = policies.map((p, i) => refilled(states[i], now, p.policy));
  const levels = current.map((s) => s.level);
  return { waitMs: waitAfter(levels, ahead, cost, policies, reserveShare), states: current };
}
