/**
 * One token bucket as a pure step function over plain numbers, so the Redis Lua port can mirror
 * it line by line. Refill is continuous (fractional), a rejection never zeroes the bucket, and a
 * request larger than the burst (but within the limit) is admitted from a full bucket, going into
 * debt. Invariant: a window of length W that ends with an admission of cost u admits at most
 * rate*W + max(capacity, u), refunds counted back and charges added (the level starts it at most at
 * capacity and ends it at least at min(0, capacity - u)); test/engine/window-property.test.ts.
 */
export interface BucketPolicy {
  /** The upstream limit of the window: a single cost above it can never be admitted. */
  limit: number;
  /** Most the bucket holds (the burst). */
  capacity: number;
  /** Refill per millisecond. */
  rate: number;
}

export interface BucketState {
  /** Available units; negative while in debt. */
  level: number;
  /** Clock ms of the last update. */
  at: number;
}

export interface TakeResult {
  allowed: boolean;
  /** The refilled state; the cost is deducted only when allowed. */
  state: BucketState;
  /** When not allowed: ms until the same take would succeed (Infinity if never). */
  waitMs: number;
  tooLarge: boolean;
}

const EPSILON = 1e-9;

export function fullBucket(policy: BucketPolicy, now: number): BucketState {
  return { level: policy.capacity, at: now };
}

/** Level at `now`; time running backwards (an older timestamp) refills nothing. */
export function levelAt(state: BucketState, now: number, policy: BucketPolicy): number {
  const elapsed = now > state.at ? now - state.at : 0;
  const level = state.level + elapsed * policy.rate;
  return level > policy.capacity ? policy.capacity : level;
}

/** Ms until `cost` could be taken from `level` (0 = now). */
export function waitFor(level: number, cost: number, policy: BucketPolicy): number {
  if (cost > policy.limit) return Infinity;
  // A cost above the burst needs a full bucket (then goes into debt).
  const need = cost > policy.capacity ? policy.capacity : cost;
  // Tolerate float rounding so a take exactly `waitMs` later succeeds.
  if (level >= need - EPSILON) return 0;
  if (policy.rate <= 0) return Infinity;
  return (need - level) / policy.rate;
}

/** The state refilled to `now` (a missing one is full); the update time never moves back. */
export function refilled(state: BucketState | undefined, now: number, policy: BucketPolicy): BucketState {
  if (!state) return { level: policy.capacity, at: now };
  return { level: levelAt(state, now, policy), at: state.at > now ? state.at : now };
}

export function take(
  state: BucketState | undefined,
  now: number,
  cost: number,
  policy: BucketPolicy,
): TakeResult {
  const { level, at } = refilled(state, now, policy);
  if (cost > policy.limit) return { allowed: false, state: { level, at }, waitMs: Infinity, tooLarge: true };
  const waitMs = waitFor(level, cost, policy);
  if (waitMs > 0) return { allowed: false, state: { level, at }, waitMs, tooLarge: false };
  return { allowed: true, state: { level: level - cost, at }, waitMs: 0, tooLarge: false };
}

/** Gives units back (a refund: positive) or charges more (negative). Never above capacity. */
export function adjust(
  state: BucketState | undefined,
  now: number,
  delta: number,
  policy: BucketPolicy,
): BucketState {
  const r = refilled(state, now, policy);
  const level = r.level + delta;
  return { level: level > policy.capacity ? policy.capacity : level, at: r.at };
}

/** Lowers the level to at most `ceiling` (what the upstream says is left); never raises it. */
export function tighten(
  state: BucketState | undefined,
  now: number,
  ceiling: number,
  policy: BucketPolicy,
): BucketState {
  const r = refilled(state, now, policy);
  return { level: ceiling < r.level ? ceiling : r.level, at: r.at };
}
