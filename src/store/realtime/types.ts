/**
 * The realtime broker's state port. Memory (one process) and Redis (a fleet) implement it;
 * one contract suite (test/realtime/store-contract.ts) runs against both. Times are the
 * store's own clock (injected for memory, Redis server TIME for Redis), so instances with
 * skewed clocks still agree.
 */
export interface BucketPolicy {
  /** Most tokens the bucket holds (the burst). */
  capacity: number;
  /** Tokens added per millisecond. */
  refillPerMs: number;
}

export interface Reservation {
  /** True: the cost is taken; start after `waitMs`. False: nothing taken; retry after `waitMs`. */
  ok: boolean;
  waitMs: number;
}

export interface SlotDecision {
  ok: boolean;
  /** Live slots after the call (including this one when ok). */
  count: number;
  /** When denied: ms until the earliest slot expires (an upper bound on the wait). */
  retryAfterMs: number;
}

export interface RealtimeStore {
  /**
   * Token bucket with reservations: takes `cost` if it is there, or books it ahead (the level
   * goes negative) when it will be there within `maxWaitMs`; otherwise takes nothing.
   */
  reserve(key: string, policy: BucketPolicy, cost: number, maxWaitMs: number): Promise<Reservation>;
  /** Empties the bucket for `ms` (an upstream 429 said so); never makes it fuller. */
  penalize(key: string, policy: BucketPolicy, ms: number): Promise<void>;
  /** Takes a slot in a capped set; members expire after `ttlMs` unless touched (crash safety). */
  acquireSlot(key: string, member: string, cap: number, ttlMs: number): Promise<SlotDecision>;
  /** Extends a held slot; false when it had already expired or was released. */
  touchSlot(key: string, member: string, ttlMs: number): Promise<boolean>;
  releaseSlot(key: string, member: string): Promise<void>;
  countSlots(key: string): Promise<number>;
  /**
   * Books a ticket due in `dueInMs` (a caller told to come back then); tickets older than
   * `ttlMs` past their due time are dropped.
   */
  bookTicket(key: string, member: string, dueInMs: number, ttlMs: number): Promise<void>;
  /** Takes the earliest ticket due within `maxWaitMs` (or overdue, up to `ttlMs`); null if none. */
  claimTicket(
    key: string,
    maxWaitMs: number,
    ttlMs: number,
  ): Promise<{ member: string; waitMs: number } | null>;
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** SET NX with a TTL: true when `owner` now holds the lock. */
  lock(key: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Releases the lock only if `owner` still holds it. */
  unlock(key: string, owner: string): Promise<void>;
  /** The store's clock, ms since the epoch. */
  now(): Promise<number>;
  close(): Promise<void>;
}

/** Every key the broker writes lives under one hash tag, so a Redis Cluster keeps them on one slot. */
export const KEY_PREFIX = '{pacer:rt}:';
