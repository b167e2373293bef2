import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { policiesFor, startWait, takeAll } from '../../../src/core/limiter/index.js';

const policies = policiesFor({ rpm: 600, tpm: 60_000 }, { headroom: 0, burstSeconds: 2, timeScale: 1 });

describe('startWait', () => {
  it('with nothing ahead it answers what a take would: the same wait, to rounding', () => {
    fc.assert(
      fc.property(
        fc.tuple(fc.double({ min: -2, max: 1, noNaN: true }), fc.double({ min: -2, max: 1, noNaN: true })),
        fc.integer({ min: 0, max: 60_000 }),
        fc.constantFrom(0, 0.2, 0.5),
        ([fr, ft], tokens, share) => {
          const states = [
            { level: fr * policies[0]!.policy.capacity, at: 0 },
            { level: ft * policies[1]!.policy.capacity, at: 0 },
          ];
          const cost = { requests: 1, tokens };
          const take = takeAll(states, 0, cost, policies, share);
          const ask = startWait(states, 0, { requests: 0, tokens: 0 }, cost, policies, share);
          // takeAll forgives 1e-9 units of float rounding; that is at most 1e-9 / rate ms here.
          expect(Math.abs(ask.waitMs - take.waitMs)).toBeLessThanOrEqual(1e-6);
          expect(ask.states).toEqual(take.states.map((s, i) => (take.allowed ? states[i] : s)));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('counts the work ahead first, then its own cost up to the burst', () => {
    const full = [undefined, undefined];
    expect(
      startWait(full, 0, { requests: 0, tokens: 1500 }, { requests: 1, tokens: 1000 }, policies).waitMs,
    ).toBe(500);
    // 30 000 tokens is above the 2 000 burst: it needs a full bucket, then goes into debt.
    expect(
      startWait(full, 0, { requests: 0, tokens: 0 }, { requests: 1, tokens: 30_000 }, policies).waitMs,
    ).toBe(0);
    expect(
      startWait(full, 0, { requests: 0, tokens: 100 }, { requests: 1, tokens: 30_000 }, policies).waitMs,
    ).toBe(100);
  });
});
