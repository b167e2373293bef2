/**
 * Drives one engine through a random run in simulated time and records, in order, what it
 * admitted and what came back (settle refunds and charges, cancels), for the window properties.
 * The bound and the reference bucket here are computed from the configuration, not with
 * core/limiter, so a broken bucket cannot also break the yardstick.
 */
import fc from 'fast-check';
import { createSeededRng } from '../../src/core/clock.js';
import type { BucketState } from '../../src/core/limiter/bucket.js';
import { createEngine, createMemoryStore, type Lease, type Priority } from '../../src/engine/index.js';
import { createFakeTime, flush } from './fake-timers.js';

export type Limited = 'tpm' | 'rpm';

export interface RunConfig {
  dim: Limited;
  limit: number;
  headroom: number;
  burstSeconds: number;
  reserve: number;
  timeScale: number;
}

/** The pool's bucket as the configuration defines it (policyFor's rules, written out again). */
export interface Spec {
  /** Refill per ms: limit x (1 - headroom) per (scaled) minute. */
  rate: number;
  /** Burst: burstSeconds of the rate, at most the limit; requests also at most the slice rule. */
  capacity: number;
  minuteMs: number;
  sliceMs: number;
}

export function specOf(c: RunConfig): Spec {
  const minuteMs = 60_000 / c.timeScale;
  const rate = (c.limit * (1 - c.headroom)) / minuteMs;
  let capacity = Math.min(c.limit, (rate * c.burstSeconds * 1000) / c.timeScale);
  // Requests: no 1/60 slice may see more than ceil(rpm/60) (rate x slice + capacity < that + 1).
  if (c.dim === 'rpm')
    capacity = Math.min(capacity, Math.ceil(c.limit / 60) + 1 - (c.limit * (1 - c.headroom)) / 60);
  return { rate, capacity, minuteMs, sliceMs: minuteMs / 60 };
}

/** One change to the pool's bucket, in the order the engine made it. */
export type LedgerEvent =
  | { t: number; kind: 'admit'; units: number }
  | { t: number; kind: 'refund'; units: number }
  | { t: number; kind: 'charge'; units: number }
  | { t: number; kind: 'tighten'; ceiling: number };

export type Op =
  | {
      k: 'acquire';
      size: number;
      priority: Priority;
      tenant: string;
      deadline: number | undefined;
    }
  | { k: 'advance'; frac: number }
  | { k: 'settle'; i: number; ratio: number }
  | { k: 'cancel'; i: number }
  | { k: 'abort'; i: number }
  | { k: 'tighten'; frac: number }
  | { k: 'pause'; frac: number };

/** Evenly spread in [0, max] (fc.double leans to the edges: almost every cost would be 0 or max). */
const fraction = (max: number): fc.Arbitrary<number> =>
  fc.integer({ min: 0, max: 1000 }).map((n) => (n / 1000) * max);

/** Sizes are fractions of the burst (above 1: the debt rule), so every configuration is exercised. */
export const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      k: fc.constant('acquire' as const),
      size: fraction(1.6),
      priority: fc.constantFrom<Priority>('interactive', 'default', 'batch'),
      tenant: fc.constantFrom('a', 'b', 'c'),
      deadline: fc.option(fc.integer({ min: 0, max: 120_000 }), { nil: undefined }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      k: fc.constant('advance' as const),
      frac: fraction(1.5),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      k: fc.constant('settle' as const),
      i: fc.nat(),
      ratio: fraction(2.5),
    }),
  },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('cancel' as const), i: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('abort' as const), i: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant('tighten' as const),
      frac: fraction(1),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant('pause' as const),
      frac: fraction(1),
    }),
  },
);

export interface RunResult {
  events: LedgerEvent[];
  /** The engine's bucket level after each op, next to the reference's (for the balance check). */
  checkpoints: { t: number; engine: number; reference: number }[];
  spec: Spec;
}

/**
 * Runs `ops` and records the ledger. Token runs configure only a TPM limit, request runs only an
 * RPM limit, so each bucket is checked on its own. Tightens stay within what the engine trusts
 * (it stops refunding when the upstream shows it holding much less than it thinks: not tested here).
 */
export async function runOps(c: RunConfig, ops: readonly Op[], maxCost = Infinity): Promise<RunResult> {
  const spec = specOf(c);
  const time = createFakeTime(0);
  const store = createMemoryStore();
  const engine = createEngine(
    {
      pools: { p: { models: ['m'], [c.dim]: c.limit } },
      headroom: c.headroom,
      burstSeconds: c.burstSeconds,
      reservedInteractiveShare: c.reserve,
      timeScale: c.timeScale,
      refundUnused: true,
      breaker: { threshold: 1000 },
    },
    { clock: time.clock, timers: time.timers, rng: createSeededRng(1), store },
  );
  const tokens = c.dim === 'tpm';
  const events: LedgerEvent[] = [];
  const checkpoints: RunResult['checkpoints'] = [];
  const leases: { lease: Lease; reserved: number; done: boolean }[] = [];
  const aborts: AbortController[] = [];
  const ref = { level: spec.capacity, at: 0 };
  const now = (): number => time.clock.now();
  const refill = (t: number): void => {
    if (t > ref.at) ref.level = Math.min(spec.capacity, ref.level + (t - ref.at) * spec.rate);
    if (t > ref.at) ref.at = t;
  };
  const record = (e: LedgerEvent): void => {
    events.push(e);
    refill(e.t);
    if (e.kind === 'admit' || e.kind === 'charge') ref.level -= e.units;
    else if (e.kind === 'refund') ref.level = Math.min(spec.capacity, ref.level + e.units);
    else ref.level = Math.min(ref.level, Math.max(-spec.capacity, e.ceiling));
  };
  const engineLevel = (): number => {
    const [s] = store.read('p', [
      {
        dim: c.dim,
        unit: tokens ? 'tokens' : 'requests',
        policy: { limit: c.limit, capacity: spec.capacity, rate: spec.rate },
      },
    ]) as (BucketState | undefined)[];
    if (!s) return spec.capacity;
    return now() > s.at ? Math.min(spec.capacity, s.level + (now() - s.at) * spec.rate) : s.level;
  };
  const open = (i: number) => {
    const live = leases.filter((l) => !l.done);
    return live.length === 0 ? undefined : live[i % live.length];
  };

  for (const op of ops) {
    switch (op.k) {
      case 'acquire': {
        const cost = tokens ? Math.min(maxCost, Math.max(1, Math.round(op.size * spec.capacity))) : 10;
        const ac = new AbortController();
        aborts.push(ac);
        void engine
          .acquire({
            pool: 'p',
            tenant: op.tenant,
            priority: op.priority,
            tokens: cost,
            signal: ac.signal,
            ...(op.deadline !== undefined ? { deadlineMs: op.deadline } : {}),
          })
          .then((r) => {
            if (!r.ok) return;
            const reserved = tokens ? cost : 1;
            record({ t: now(), kind: 'admit', units: reserved });
            leases.push({ lease: r.lease, reserved: cost, done: false });
          });
        break;
      }
      case 'advance':
        await time.advance(Math.round((op.frac * spec.capacity) / spec.rate));
        break;
      case 'settle': {
        const l = open(op.i);
        if (!l) break;
        l.done = true;
        const actual = Math.round(l.reserved * op.ratio);
        // Requests are not settled, only tokens: the difference comes back or is charged.
        if (tokens && actual > l.reserved) record({ t: now(), kind: 'charge', units: actual - l.reserved });
        if (tokens && actual < l.reserved) record({ t: now(), kind: 'refund', units: l.reserved - actual });
        l.lease.settle(actual);
        break;
      }
      case 'cancel': {
        const l = open(op.i);
        if (!l) break;
        l.done = true;
        record({ t: now(), kind: 'refund', units: tokens ? l.reserved : 1 });
        l.lease.cancel();
        break;
      }
      case 'abort':
        aborts[op.i % Math.max(1, aborts.length)]?.abort();
        break;
      case 'tighten': {
        // The upstream says a little less is left than we think: at most 9 % of the burst less,
        // below the 10 % that would make the engine stop refunding.
        const level = engineLevel();
        const remaining = Math.max(0, Math.floor(level) - Math.floor(op.frac * 0.09 * spec.capacity));
        if (tokens && spec.capacity < 100) break;
        const name = tokens ? 'x-ratelimit-remaining-tokens' : 'x-ratelimit-remaining-requests';
        record({ t: now(), kind: 'tighten', ceiling: remaining });
        engine.observe({
          pool: 'p',
          status: 200,
          headers: { [name]: String(remaining) },
          sentAt: now(),
          receivedAt: now(),
        });
        break;
      }
      case 'pause': {
        // An upstream 429 on requests: the pool pauses, and its request bucket is emptied.
        const ms = Math.round((op.frac * spec.capacity) / spec.rate);
        if (!tokens) record({ t: now(), kind: 'tighten', ceiling: 0 });
        engine.observe({
          pool: 'p',
          status: 429,
          headers: { 'retry-after-ms': String(ms) },
          sentAt: now(),
          receivedAt: now(),
          rateLimitType: 'requests',
        });
        break;
      }
    }
    await flush();
    refill(now());
    checkpoints.push({ t: now(), engine: engineLevel(), reference: ref.level });
  }
  // Let what is queued start or be shed, then stop.
  await time.advance(Math.round((2 * spec.capacity) / spec.rate) + 120_000 / c.timeScale);
  engine.close();
  await flush();
  return { events, checkpoints, spec };
}

export interface Violation {
  from: number;
  to: number;
  net: number;
  bound: number;
}

/**
 * The window bound: for every window [t_i, t_j] that ends with an admission of u units,
 * admitted - refunded + charged <= rate x (t_j - t_i) + max(capacity, u). Returns the worst breach.
 */
export function windowViolation(
  events: readonly LedgerEvent[],
  spec: Spec,
  maxWindowMs = Infinity,
): Violation | null {
  const slack = 1e-6 * Math.max(1, spec.capacity);
  for (let j = 0; j < events.length; j++) {
    const last = events[j]!;
    if (last.kind !== 'admit') continue;
    let net = 0;
    for (let i = j; i >= 0; i--) {
      const e = events[i]!;
      if (last.t - e.t > maxWindowMs) break;
      if (e.kind === 'admit' || e.kind === 'charge') net += e.units;
      else if (e.kind === 'refund') net -= e.units;
      const bound = spec.rate * (last.t - e.t) + Math.max(spec.capacity, last.units);
      if (net > bound + slack) return { from: e.t, to: last.t, net, bound };
    }
  }
  return null;
}

/** Net units in every window shorter than `windowMs` (ending at an admission), the largest. */
export function maxNetWithin(events: readonly LedgerEvent[], windowMs: number): number {
  let worst = 0;
  for (let j = 0; j < events.length; j++) {
    if (events[j]!.kind !== 'admit') continue;
    let net = 0;
    for (let i = j; i >= 0 && events[j]!.t - events[i]!.t < windowMs; i--) {
      const e = events[i]!;
      if (e.kind === 'admit' || e.kind === 'charge') net += e.units;
      else if (e.kind === 'refund') net -= e.units;
      if (net > worst) worst = net;
    }
  }
  return worst;
}

/**
 * An upstream that enforces its limit as a bucket of `burst` units refilling `rate` per ms (a
 * minute bucket: burst = limit), charged and settled as the engine is, passing a cost above its
 * burst from a full bucket: the first admission it would refuse, or null.
 */
export function upstreamRefusal(
  events: readonly LedgerEvent[],
  burst: number,
  rate: number,
): LedgerEvent | null {
  let level = burst;
  let at = 0;
  for (const e of events) {
    if (e.t > at) level = Math.min(burst, level + (e.t - at) * rate);
    at = Math.max(at, e.t);
    if (e.kind === 'admit') {
      if (level < Math.min(e.units, burst) - 1e-6 * Math.max(1, burst)) return e;
      level -= e.units;
    } else if (e.kind === 'charge') level -= e.units;
    else if (e.kind === 'refund') level = Math.min(burst, level + e.units);
  }
  return null;
}
