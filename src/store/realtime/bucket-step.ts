import { levelAt } from '../../core/limiter/bucket.js';
import type { BucketPolicy, Reservation } from './types.js';

/** Bucket state: `level` tokens at time `at` (ms). The level goes negative for booked reservations. */
export interface BucketState {
  level: number;
  at: number;
}

/**
 * The reservation step, written once; lua/reserve.lua is its port and the contract suite
 * checks both on the same cases. Fractions are kept; a denial takes nothing.
 */
export function reserveStep(
  state: BucketState | undefined,
  now: number,
  policy: BucketPolicy,
  cost: number,
  maxWaitMs: number,
): { state: BucketState; result: Reservation } {
  const level = refillLevel(state, now, policy);
  if (level >= cost) return { state: { level: level - cost, at: now }, result: { ok: true, waitMs: 0 } };
  const waitMs = Math.ceil((cost - level) / policy.refillPerMs);
  if (waitMs <= maxWaitMs) return { state: { level: level - cost, at: now }, result: { ok: true, waitMs } };
  return { state: { level, at: now }, result: { ok: false, waitMs } };
}

/** An upstream 429 knows better: nothing is available for `ms`. */
export function penalizeStep(
  state: BucketState | undefined,
  now: number,
  policy: BucketPolicy,
  ms: number,
): BucketState {
  const level = refillLevel(state, now, policy);
  return { level: Math.min(level, -ms * policy.refillPerMs), at: now };
}

/** levelAt of the pacing core's buckets, on this bucket's policy shape. */
function refillLevel(state: BucketState | undefined, now: number, policy: BucketPolicy): number {
  if (!state) return policy.capacity;
  return levelAt(state, now, { limit: Infinity, capacity: policy.capacity, rate: policy.refillPerMs });
}

/** How long an idle bucket needs to be full again (its key can expire after that). */
export function fullAfterMs(state: BucketState, policy: BucketPolicy): number {
  return Math.ceil(Math.max(0, policy.capacity - state.level) / policy.refillPerMs);
}
