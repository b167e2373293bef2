/** The table of takeAll cases every quota store must decide like the pure core function. */
import { takeAll, type Cost, type DimensionPolicy } from '../../src/core/limiter/index.js';
import type { QuotaDecision } from '../../src/store/quota/index.js';
import { decisionOf } from '../../src/store/quota/memory.js';

// Slow rates on purpose: a few ms of real time between seed and step moves levels by little, and
// every denial below waits far longer than any slack, so no case sits on a boundary.
export const rpm: DimensionPolicy = {
  dim: 'rpm',
  unit: 'requests',
  policy: { limit: 60, capacity: 2, rate: 0.001 },
};
export const tpm: DimensionPolicy = {
  dim: 'tpm',
  unit: 'tokens',
  policy: { limit: 6000, capacity: 200, rate: 0.1 },
};
const rpd: DimensionPolicy = {
  dim: 'rpd',
  unit: 'requests',
  policy: { limit: 1000, capacity: 1000, rate: 1000 / 86_400_000 },
};
const tpd: DimensionPolicy = {
  dim: 'tpd',
  unit: 'tokens',
  policy: { limit: 1e6, capacity: 1e6, rate: 1e6 / 86_400_000 },
};

type Seed = readonly [level: number, elapsedMs: number] | undefined;

export interface TakeCase {
  name: string;
  policies: DimensionPolicy[];
  states: Seed[];
  cost: Cost;
  reserveShare?: number;
  expected: QuotaDecision;
}

export const c = (requests: number, tokens: number): Cost => ({ requests, tokens });

export const TAKE_CASES: TakeCase[] = [
  {
    name: 'a pool never seen starts full',
    policies: [rpm, tpm],
    states: [undefined, undefined],
    cost: c(1, 120),
    expected: { allowed: true, waitMs: 0, limitedBy: null, tooLarge: null, levels: [1, 80] },
  },
  {
    name: 'refill is continuous and keeps fractions',
    policies: [tpm],
    states: [[0, 1234]],
    cost: c(1, 100),
    expected: { allowed: true, waitMs: 0, limitedBy: null, tooLarge: null, levels: [23.4] },
  },
  {
    name: 'fractions of a request refill too',
    policies: [rpm],
    states: [[0, 1500]],
    cost: c(1, 0),
    expected: { allowed: true, waitMs: 0, limitedBy: null, tooLarge: null, levels: [0.5] },
  },
  {
    name: 'refill stops at capacity',
    policies: [tpm],
    states: [[0, 10_000_000]],
    cost: c(1, 10),
    expected: { allowed: true, waitMs: 0, limitedBy: null, tooLarge: null, levels: [190] },
  },
  {
    name: 'a rejection does not zero the bucket',
    policies: [tpm],
    states: [[50, 0]],
    cost: c(1, 150),
    expected: { allowed: false, waitMs: 1000, limitedBy: 'tpm', tooLarge: null, levels: [50] },
  },
  {
    name: 'a cost above the burst passes from a full bucket into debt',
    policies: [tpm],
    states: [[200, 0]],
    cost: c(1, 500),
    expected: { allowed: true, waitMs: 0, limitedBy: null, tooLarge: null, levels: [-300] },
  },
  {
    name: 'a cost above the burst waits for a full bucket, not for its own size',
    policies: [tpm],
    states: [[100, 0]],
    cost: c(1, 500),
    expected: { allowed: false, waitMs: 1000, limitedBy: 'tpm', tooLarge: null, levels: [100] },
  },
  {
    name: 'a bucket in debt waits until it has paid back',
    policies: [tpm],
    states: [[-300, 0]],
    cost: c(1, 10),
    expected: { allowed: false, waitMs: 3100, limitedBy: 'tpm', tooLarge: null, levels: [-300] },
  },
  {
    name: 'a cost above the limit is too large, never admitted',
    policies: [rpm, tpm],
    states: [undefined, undefined],
    cost: c(1, 7000),
    expected: { allowed: false, waitMs: Infinity, limitedBy: 'tpm', tooLarge: 'tpm', levels: [2, 200] },
  },
  {
    name: 'all or nothing: the requests bucket is untouched when tokens are short',
    policies: [rpm, tpm],
    states: [
      [2, 0],
      [50, 0],
    ],
    cost: c(1, 100),
    expected: { allowed: false, waitMs: 500, limitedBy: 'tpm', tooLarge: null, levels: [2, 50] },
  },
  {
    name: 'limitedBy names the dimension that waits longest',
    policies: [rpm, tpm],
    states: [
      [0, 0],
      [0, 0],
    ],
    cost: c(1, 150),
    expected: { allowed: false, waitMs: 1500, limitedBy: 'tpm', tooLarge: null, levels: [0, 0] },
  },
  {
    name: 'limitedBy: requests wait longer than tokens',
    policies: [rpm, tpm],
    states: [
      [0, 0],
      [0, 0],
    ],
    cost: c(1, 50),
    expected: { allowed: false, waitMs: 1000, limitedBy: 'rpm', tooLarge: null, levels: [0, 0] },
  },
  {
    name: 'the reserve share is out of reach',
    policies: [tpm],
    states: [[90, 0]],
    cost: c(1, 80),
    reserveShare: 0.2,
    expected: { allowed: false, waitMs: 300, limitedBy: 'tpm', tooLarge: null, levels: [90] },
  },
  {
    name: 'the same take passes without a reserve',
    policies: [tpm],
    states: [[90, 0]],
    cost: c(1, 80),
    expected: { allowed: true, waitMs: 0, limitedBy: null, tooLarge: null, levels: [10] },
  },
  {
    name: 'with a reserve, a cost above the shifted burst needs the bucket full',
    policies: [tpm],
    states: [[200, 0]],
    cost: c(1, 170),
    reserveShare: 0.2,
    expected: { allowed: true, waitMs: 0, limitedBy: null, tooLarge: null, levels: [30] },
  },
  {
    name: 'a state stamped in the future refills nothing',
    policies: [tpm],
    states: [[50, -60_000]],
    cost: c(1, 10),
    expected: { allowed: true, waitMs: 0, limitedBy: null, tooLarge: null, levels: [40] },
  },
  {
    name: 'four dimensions at once, daily ones included',
    policies: [rpm, tpm, rpd, tpd],
    states: [
      [1.5, 0],
      [200, 0],
      [3, 0],
      [1000, 0],
    ],
    cost: c(1, 150),
    expected: { allowed: true, waitMs: 0, limitedBy: null, tooLarge: null, levels: [0.5, 50, 2, 850] },
  },
  {
    name: 'a daily bucket can be the one that blocks',
    policies: [rpm, tpm, rpd, tpd],
    states: [
      [2, 0],
      [200, 0],
      [0.5, 0],
      [1000, 0],
    ],
    cost: c(1, 10),
    expected: {
      allowed: false,
      waitMs: 43_200,
      limitedBy: 'rpd',
      tooLarge: null,
      levels: [2, 200, 0.5, 1000],
    },
  },
];

/** The pure reference: the same case run through core/limiter takeAll at a fixed now. */
export function referenceDecision(tc: TakeCase): QuotaDecision {
  const now = 1_000_000_000;
  const states = tc.states.map((s) => (s ? { level: s[0], at: now - s[1] } : undefined));
  return decisionOf(takeAll(states, now, tc.cost, tc.policies, tc.reserveShare ?? 0));
}
