import type { BucketPolicy, BucketState } from '../../../src/core/limiter/bucket.js';

/**
 * A table of bucket steps with their expected outcome, for every implementation of the step
 * (the pure function here, the Redis Lua port in the store contract suite).
 */
export interface TakeCase {
  name: string;
  state: BucketState | undefined;
  now: number;
  cost: number;
  policy: BucketPolicy;
  expect: { allowed: boolean; level: number; waitMs: number; tooLarge: boolean };
}

const P: BucketPolicy = { limit: 1000, capacity: 100, rate: 0.01 };

export const TAKE_CASES: TakeCase[] = [
  {
    name: 'fresh bucket admits',
    state: undefined,
    now: 0,
    cost: 40,
    policy: P,
    expect: { allowed: true, level: 60, waitMs: 0, tooLarge: false },
  },
  {
    name: 'exact fit',
    state: { level: 40, at: 0 },
    now: 0,
    cost: 40,
    policy: P,
    expect: { allowed: true, level: 0, waitMs: 0, tooLarge: false },
  },
  {
    name: 'fractional refill admits',
    state: { level: 0, at: 0 },
    now: 150,
    cost: 1.5,
    policy: P,
    expect: { allowed: true, level: 0, waitMs: 0, tooLarge: false },
  },
  {
    name: 'rejection keeps the level',
    state: { level: 30, at: 0 },
    now: 0,
    cost: 50,
    policy: P,
    expect: { allowed: false, level: 30, waitMs: 2000, tooLarge: false },
  },
  {
    name: 'refill capped at capacity',
    state: { level: 0, at: 0 },
    now: 1e9,
    cost: 0,
    policy: P,
    expect: { allowed: true, level: 100, waitMs: 0, tooLarge: false },
  },
  {
    name: 'above burst from a full bucket: debt',
    state: { level: 100, at: 0 },
    now: 0,
    cost: 500,
    policy: P,
    expect: { allowed: true, level: -400, waitMs: 0, tooLarge: false },
  },
  {
    name: 'above burst, not full: wait for full',
    state: { level: 50, at: 0 },
    now: 0,
    cost: 500,
    policy: P,
    expect: { allowed: false, level: 50, waitMs: 5000, tooLarge: false },
  },
  {
    name: 'in debt: wait',
    state: { level: -400, at: 0 },
    now: 1000,
    cost: 10,
    policy: P,
    expect: { allowed: false, level: -390, waitMs: 40_000, tooLarge: false },
  },
  {
    name: 'over the limit: too large',
    state: undefined,
    now: 0,
    cost: 1001,
    policy: P,
    expect: { allowed: false, level: 100, waitMs: Infinity, tooLarge: true },
  },
  {
    name: 'clock behind the state: no refill',
    state: { level: 10, at: 1000 },
    now: 500,
    cost: 5,
    policy: P,
    expect: { allowed: true, level: 5, waitMs: 0, tooLarge: false },
  },
];
