import type { BucketState } from '../core/limiter/bucket.js';
import type { DimensionPolicy } from '../core/limiter/policy.js';
import type { StartWaitResult } from '../core/limiter/start-wait.js';
import type { Cost, TakeAllResult } from '../core/limiter/take-all.js';

export type MaybePromise<T> = T | Promise<T>;

/**
 * The port where bucket state lives. The memory store answers synchronously with the pure step
 * functions of core/limiter; a shared store (Redis) answers with Promises and runs the same steps
 * atomically server-side. Every call returns the pool's states after the step, aligned with
 * `policies`, so the engine can keep a local mirror for snapshots and estimates.
 */
export interface QuotaStore {
  /**
   * Every call answers synchronously (the memory store): the engine may then admit a request
   * straight from acquire() when nothing is queued, with no waiter or queue entry.
   */
  readonly synchronous?: boolean;
  /** All-or-nothing take across the pool's buckets (takeAll). */
  take(
    key: string,
    now: number,
    cost: Cost,
    policies: readonly DimensionPolicy[],
    reserveShare: number,
  ): MaybePromise<TakeAllResult>;
  /**
   * When `cost` could be taken if `ahead` is taken first (startWait of core/limiter); reads only.
   * With shared buckets the engine's mirror lags the fleet, so it asks here before shedding.
   */
  startWait(
    key: string,
    now: number,
    ahead: Cost,
    cost: Cost,
    policies: readonly DimensionPolicy[],
    reserveShare: number,
  ): MaybePromise<StartWaitResult>;
  /** Refund (positive) or charge (negative) units; refunds never exceed capacity. */
  adjust(
    key: string,
    now: number,
    delta: Cost,
    policies: readonly DimensionPolicy[],
  ): MaybePromise<BucketState[]>;
  /** Lower the levels to the upstream's view (per unit); never raises them. */
  tighten(
    key: string,
    now: number,
    ceilings: { requests?: number; tokens?: number },
    policies: readonly DimensionPolicy[],
  ): MaybePromise<BucketState[]>;
  /** Current states (refilled lazily by readers). */
  read(key: string, policies: readonly DimensionPolicy[]): MaybePromise<(BucketState | undefined)[]>;
}

export function isPromise<T>(v: MaybePromise<T>): v is Promise<T> {
  return typeof (v as { then?: unknown } | null)?.then === 'function';
}
