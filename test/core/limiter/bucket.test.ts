import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  adjust,
  take,
  tighten,
  waitFor,
  type BucketPolicy,
  type BucketState,
} from '../../../src/core/limiter/bucket.js';
import { policiesFor, policyFor } from '../../../src/core/limiter/policy.js';
import { takeAll } from '../../../src/core/limiter/take-all.js';

const P: BucketPolicy = { limit: 1000, capacity: 100, rate: 0.01 }; // 10 units/s, burst 100

describe('take', () => {
  it('admits from a fresh bucket and deducts the cost', () => {
    const r = take(undefined, 0, 40, P);
    expect(r).toMatchObject({ allowed: true, waitMs: 0, tooLarge: false });
    expect(r.state.level).toBe(60);
  });

  it('refills continuously, fractions included, up to capacity', () => {
    const s: BucketState = { level: 0, at: 0 };
    expect(take(s, 150, 1.5, P).allowed).toBe(true); // 1.5 units after 150 ms
    expect(take(s, 149, 1.5, P).allowed).toBe(false);
    expect(take(s, 1e9, 0, P).state.level).toBe(100);
  });

  it('never zeroes the bucket on a rejection and says exactly when it would succeed', () => {
    const s: BucketState = { level: 30, at: 0 };
    const r = take(s, 0, 50, P);
    expect(r.allowed).toBe(false);
    expect(r.state.level).toBe(30);
    expect(r.waitMs).toBeCloseTo(2000);
    expect(take(r.state, r.waitMs, 50, P).allowed).toBe(true);
  });

  it('admits a request above the burst but within the limit from a full bucket, into debt', () => {
    expect(take({ level: 99, at: 0 }, 0, 500, P).allowed).toBe(false);
    const r = take({ level: 100, at: 0 }, 0, 500, P);
    expect(r.allowed).toBe(true);
    expect(r.state.level).toBe(-400);
    // The debt is paid back before anything else passes.
    expect(take(r.state, 40_000, 1, P).allowed).toBe(false);
    expect(take(r.state, 40_100, 1, P).allowed).toBe(true);
  });

  it('rejects a request larger than the whole limit as too large', () => {
    const r = take(undefined, 0, 1001, P);
    expect(r).toMatchObject({ allowed: false, tooLarge: true, waitMs: Infinity });
  });

  it('ignores time running backwards', () => {
    const r = take({ level: 10, at: 1000 }, 500, 5, P);
    expect(r.state).toEqual({ level: 5, at: 1000 });
  });

  it('adjust refunds up to capacity and charges into debt; tighten only lowers', () => {
    expect(adjust({ level: 90, at: 0 }, 0, 50, P).level).toBe(100);
    expect(adjust({ level: 10, at: 0 }, 0, -50, P).level).toBe(-40);
    expect(tighten({ level: 80, at: 0 }, 0, 20, P).level).toBe(20);
    expect(tighten({ level: 10, at: 0 }, 0, 20, P).level).toBe(10);
  });

  it('waitFor agrees with take', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -500, max: 100, noNaN: true }),
        fc.integer({ min: 0, max: 1000 }),
        (level, cost) => {
          const w = waitFor(level, cost, P);
          const s = { level, at: 0 };
          expect(take(s, w, cost, P).allowed).toBe(true);
          if (w > 1) expect(take(s, w - 1, cost, P).allowed).toBe(false);
        },
      ),
    );
  });
});

describe('the window invariant', () => {
  // Guarantee: a window [t, t+W] ending with an admission of u admits at most rate*W + max(capacity, u)
  // (the engine-level version, with refunds, charges and tighten: test/engine/window-property.test.ts).
  it('no window of any length admits more than rate*W + max(burst, its last request)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 1, max: 1000 })), {
          minLength: 1,
          maxLength: 150,
        }),
        (arrivals) => {
          let state: BucketState | undefined;
          let t = 0;
          const admitted: { t: number; cost: number }[] = [];
          for (const [gap, cost] of arrivals) {
            t += gap;
            const r = take(state, t, cost, P);
            state = r.state;
            if (r.allowed) admitted.push({ t, cost });
            // Never more than the limit below zero, never above capacity.
            expect(state.level).toBeGreaterThanOrEqual(P.capacity - P.limit);
            expect(state.level).toBeLessThanOrEqual(P.capacity);
          }
          for (let i = 0; i < admitted.length; i++) {
            let sum = 0;
            for (let j = i; j < admitted.length; j++) {
              sum += admitted[j]!.cost;
              const w = admitted[j]!.t - admitted[i]!.t;
              expect(sum).toBeLessThanOrEqual(P.rate * w + Math.max(P.capacity, admitted[j]!.cost) + 1e-9);
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('policies', () => {
  it('rate = limit*(1-headroom)/window and the burst is capped at burstSeconds of it', () => {
    const p = policyFor('tpm', 60_000, { headroom: 0.02, burstSeconds: 2, timeScale: 1 });
    expect(p.rate).toBeCloseTo(0.98); // per ms
    expect(p.capacity).toBeCloseTo(1960);
    expect(p.limit).toBe(60_000);
  });

  it('a time scale divides the window but keeps the burst in units', () => {
    const p = policyFor('tpm', 600, { headroom: 0, burstSeconds: 2, timeScale: 10 });
    expect(p.rate).toBeCloseTo(0.1); // 600 per 6 s
    expect(p.capacity).toBeCloseTo(20);
  });

  it('daily buckets hold the day, minute buckets never more than the limit', () => {
    const d = policyFor('rpd', 10_000, { headroom: 0, burstSeconds: 2, timeScale: 1 });
    expect(d.capacity).toBeCloseTo(10_000);
    expect(policyFor('tpm', 10, { headroom: 0, burstSeconds: 120, timeScale: 1 }).capacity).toBe(10);
    expect(
      policiesFor({ rpm: 5, tpd: 9 }, { headroom: 0, burstSeconds: 2, timeScale: 1 }).map((x) => x.dim),
    ).toEqual(['rpm', 'tpd']);
  });
});

describe('request slices', () => {
  it('no 1/60-minute slice ever admits more than ceil(rpm/60) requests under saturating demand', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20_000 }),
        fc.double({ min: 0, max: 0.1, noNaN: true }),
        fc.integer({ min: 1, max: 20 }),
        (rpm, headroom, timeScale) => {
          const p = policyFor('rpm', rpm, { headroom, burstSeconds: 2, timeScale });
          const sliceMs = 60_000 / timeScale / 60;
          const cap = Math.ceil(rpm / 60);
          let state: BucketState | undefined;
          const perSlice = new Map<number, number>();
          // Ask every 0.05 slice for 6 slices: always backlogged.
          for (let i = 0; i < 120; i++) {
            const now = (i * sliceMs) / 20;
            for (let k = 0; k < cap + 2; k++) {
              const r = take(state, now, 1, p);
              state = r.state;
              if (!r.allowed) break;
              const s = Math.floor(now / sliceMs);
              perSlice.set(s, (perSlice.get(s) ?? 0) + 1);
            }
          }
          for (const n of perSlice.values()) expect(n).toBeLessThanOrEqual(cap);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('takeAll', () => {
  const knobs = { headroom: 0, burstSeconds: 2, timeScale: 1 };
  const policies = policiesFor({ rpm: 600, tpm: 60_000 }, knobs); // burst 20 requests, 2000 tokens

  it('is all or nothing and waits for the slowest dimension', () => {
    const first = takeAll([], 0, { requests: 1, tokens: 1500 }, policies);
    expect(first.allowed).toBe(true);
    const second = takeAll(first.states, 0, { requests: 1, tokens: 1000 }, policies);
    expect(second.allowed).toBe(false);
    expect(second.limitedBy).toBe('tpm');
    expect(second.states[0]!.level).toBeCloseTo(first.states[0]!.level); // the request bucket was not charged
    expect(second.waitMs).toBeCloseTo(500); // 500 tokens at 1 token/ms
  });

  it('flags a cost above a limit as too large', () => {
    expect(takeAll([], 0, { requests: 1, tokens: 60_001 }, policies).tooLarge).toBe('tpm');
  });

  it('a reserved share is out of reach of the taker', () => {
    const states = [
      { level: 20, at: 0 },
      { level: 600, at: 0 },
    ];
    const r = takeAll(states, 0, { requests: 1, tokens: 300 }, policies, 0.8); // reserve 1600 tokens
    expect(r.allowed).toBe(false);
    expect(r.waitMs).toBeCloseTo(1300);
    expect(takeAll(states, 0, { requests: 1, tokens: 300 }, policies, 0).allowed).toBe(true);
  });
});
