import type { BucketPolicy, Cost, Dimension, DimensionPolicy, Limits } from '../../core/limiter/index.js';

/**
 * The port for pacing state that gateway instances share. Memory (one process) and Redis (a
 * fleet) implement it; one contract suite (test/store/contract.ts) runs against both. All times
 * are relative (ms from now) so the store's own clock decides: the injected clock for memory,
 * Redis server TIME for Redis, never an instance's wall clock.
 */
export interface QuotaDecision {
  allowed: boolean;
  /** When not allowed: ms until the same take would pass (Infinity if never). */
  waitMs: number;
  /** The dimension that waits longest (null when allowed). */
  limitedBy: Dimension | null;
  /** The first dimension whose limit the cost exceeds outright. */
  tooLarge: Dimension | null;
  /** Bucket levels after the step, one per policy, same order (cost deducted only when allowed). */
  levels: number[];
}

/** The store's answer to "when could this start?" (startWait of core/limiter). */
export interface StartDecision {
  /** Ms until the cost could be taken once `ahead` went first (Infinity if never). */
  waitMs: number;
  /** Bucket levels now, one per policy, same order (nothing is taken). */
  levels: number[];
}

/** One bucket to change: `amount` is a delta for adjust, a ceiling for tighten. */
export interface BucketChange {
  dim: Dimension;
  policy: BucketPolicy;
  amount: number;
}

export interface CounterResult {
  allowed: boolean;
  /** Used in the current window after the call (unchanged when not allowed). */
  used: number;
  /** Ms until the window resets. */
  resetMs: number;
}

export interface QuotaStore {
  /** Takes `cost` from every bucket of `pool` or from none (takeAll of core/limiter). */
  takeAll(
    pool: string,
    policies: readonly DimensionPolicy[],
    cost: Cost,
    reserveShare?: number,
  ): Promise<QuotaDecision>;
  /**
   * When `cost` could be taken if the work `ahead` (queued before it) is taken first; reads only.
   * The engine's shed-at-once check when the buckets are shared and its own mirror may lag.
   */
  startWait(
    pool: string,
    policies: readonly DimensionPolicy[],
    ahead: Cost,
    cost: Cost,
    reserveShare?: number,
  ): Promise<StartDecision>;
  /** Refunds (amount > 0) or charges (amount < 0); returns the new levels. */
  adjust(pool: string, changes: readonly BucketChange[]): Promise<number[]>;
  /** Lowers each bucket to at most `amount` (upstream's remaining; Infinity = no change); returns the new levels. */
  tighten(pool: string, changes: readonly BucketChange[]): Promise<number[]>;
  /** Current levels, read only. */
  levels(pool: string, policies: readonly DimensionPolicy[]): Promise<number[]>;
  /** Pauses the pool for at least `ms` (max of the current pause and the new one); returns ms left. */
  pause(pool: string, ms: number): Promise<number>;
  /** Ms left of the pool's pause, 0 when not paused. */
  pausedFor(pool: string): Promise<number>;
  /** Replaces the limits learned for a pool. */
  setLearned(pool: string, limits: Limits): Promise<void>;
  /** Learned limits, `{}` when none. */
  getLearned(pool: string): Promise<Limits>;
  /**
   * Budget counter over fixed windows aligned on multiples of `windowMs` since the epoch: adds
   * `amount` unless used + amount > limit (Infinity = always add, to record spend afterwards).
   */
  incrWithin(key: string, amount: number, windowMs: number, limit: number): Promise<CounterResult>;
  /** Stores `value` unless the key exists (idempotency records); true when stored. */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  get(key: string): Promise<string | null>;
  close(): Promise<void>;
}

/** Live gateway instances: each beats every few seconds; a missed beat ages out after `ttlMs`. */
export interface InstanceRegistry {
  /** Registers `id` as live for `ttlMs`; returns the number of live instances. */
  beat(id: string, ttlMs: number): Promise<number>;
  leave(id: string): Promise<void>;
}

export type StoreStatus = { state: 'ok' } | { state: 'degraded'; reason: string; since: number };
