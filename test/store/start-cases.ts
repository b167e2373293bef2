/** The table of startWait cases every quota store must answer like the pure core function. */
import { startWait, type Cost, type DimensionPolicy } from '../../src/core/limiter/index.js';
import type { StartDecision } from '../../src/store/quota/index.js';
import { c, rpm, tpm } from './take-cases.js';

/** A bucket that never refills: a cost it cannot cover waits forever. */
const still: DimensionPolicy = {
  dim: 'tpm',
  unit: 'tokens',
  policy: { limit: 6000, capacity: 200, rate: 0 },
};

type Seed = readonly [level: number, elapsedMs: number] | undefined;

export interface StartCase {
  name: string;
  policies: DimensionPolicy[];
  states: Seed[];
  ahead: Cost;
  cost: Cost;
  reserveShare?: number;
  expected: StartDecision;
}

const none = c(0, 0);

// Same slow rates as take-cases.ts: every wait is far above the slack real time adds.
export const START_CASES: StartCase[] = [
  {
    name: 'nothing ahead and enough in the bucket: now',
    policies: [tpm],
    states: [[150, 0]],
    ahead: none,
    cost: c(1, 100),
    expected: { waitMs: 0, levels: [150] },
  },
  {
    name: 'nothing ahead: it waits for its own cost, exactly as a take would',
    policies: [tpm],
    states: [[50, 0]],
    ahead: none,
    cost: c(1, 150),
    expected: { waitMs: 1000, levels: [50] },
  },
  {
    name: 'the work queued ahead goes first',
    policies: [tpm],
    states: [[200, 0]],
    ahead: c(2, 300),
    cost: c(1, 100),
    expected: { waitMs: 2000, levels: [200] },
  },
  {
    name: 'its own cost counts up to the burst (the debt rule)',
    policies: [tpm],
    states: [[0, 0]],
    ahead: none,
    cost: c(1, 500),
    expected: { waitMs: 2000, levels: [0] },
  },
  {
    name: 'the reserve share is out of reach',
    policies: [tpm],
    states: [[100, 0]],
    ahead: none,
    cost: c(1, 80),
    reserveShare: 0.5,
    expected: { waitMs: 800, levels: [100] },
  },
  {
    name: 'refill is continuous up to now',
    policies: [tpm],
    states: [[0, 1000]],
    ahead: none,
    cost: c(1, 150),
    expected: { waitMs: 500, levels: [100] },
  },
  {
    name: 'a bucket in debt is paid back first',
    policies: [tpm],
    states: [[-300, 0]],
    ahead: none,
    cost: c(1, 10),
    expected: { waitMs: 3100, levels: [-300] },
  },
  {
    name: 'a pool never seen is full',
    policies: [rpm, tpm],
    states: [undefined, undefined],
    ahead: c(1, 150),
    cost: c(1, 100),
    expected: { waitMs: 500, levels: [2, 200] },
  },
  {
    name: 'the dimension that waits longest decides',
    policies: [rpm, tpm],
    states: [
      [0, 0],
      [200, 0],
    ],
    ahead: c(1, 0),
    cost: c(1, 10),
    expected: { waitMs: 2000, levels: [0, 200] },
  },
  {
    name: 'a bucket that does not refill waits forever',
    policies: [still],
    states: [[20, 0]],
    ahead: none,
    cost: c(1, 50),
    expected: { waitMs: Infinity, levels: [20] },
  },
];

/** The pure reference: the same case through core/limiter startWait at a fixed now. */
export function referenceStart(tc: StartCase): StartDecision {
  const now = 1_000_000_000;
  const states = tc.states.map((s) => (s ? { level: s[0], at: now - s[1] } : undefined));
  const r = startWait(states, now, tc.ahead, tc.cost, tc.policies, tc.reserveShare ?? 0);
  return { waitMs: r.waitMs, levels: r.states.map((s) => s.level) };
}
