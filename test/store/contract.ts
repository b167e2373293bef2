/**
 * One behaviour suite for every quota store (memory = the pure core functions, Redis = the Lua
 * ports): the same tables of cases (states, elapsed, cost, policy) -> expected decision, for
 * takeAll (take-cases.ts) and startWait (start-cases.ts).
 */
import { describe, expect, it } from 'vitest';
import type { BucketPolicy, Dimension } from '../../src/core/limiter/index.js';
import type {
  InstanceRegistry,
  QuotaDecision,
  QuotaStore,
  StartDecision,
} from '../../src/store/quota/index.js';
import { referenceStart, START_CASES } from './start-cases.js';
import { c, referenceDecision, rpm, TAKE_CASES, tpm } from './take-cases.js';

export interface QuotaHarness {
  store: QuotaStore & InstanceRegistry;
  /** Writes one bucket as it stood `elapsedMs` ago on the store's own clock (negative = in the future). */
  seed(pool: string, dim: Dimension, level: number, elapsedMs: number): Promise<void>;
  /** Lets `ms` pass on the store's clock (memory: advance the manual clock; Redis: really wait). */
  advance(ms: number): Promise<void>;
  /** Time the store's clock may move between seed and step (0 for an injected clock). */
  slackMs: number;
}

/** Equal, except for what `slackMs` of extra elapsed time may change (rates are per ms). */
function expectDecision(
  actual: QuotaDecision,
  expected: QuotaDecision,
  policies: readonly { policy: BucketPolicy }[],
  slackMs: number,
): void {
  expect({ allowed: actual.allowed, limitedBy: actual.limitedBy, tooLarge: actual.tooLarge }).toEqual({
    allowed: expected.allowed,
    limitedBy: expected.limitedBy,
    tooLarge: expected.tooLarge,
  });
  if (expected.waitMs === Infinity) expect(actual.waitMs).toBe(Infinity);
  else {
    expect(actual.waitMs).toBeLessThanOrEqual(expected.waitMs + 1e-6);
    expect(actual.waitMs).toBeGreaterThanOrEqual(expected.waitMs - slackMs - 1e-6);
  }
  expect(actual.levels).toHaveLength(expected.levels.length);
  actual.levels.forEach((level, i) => {
    const tol = policies[i]!.policy.rate * slackMs + 1e-9;
    expect(level).toBeGreaterThanOrEqual(expected.levels[i]! - 1e-9);
    expect(level).toBeLessThanOrEqual(expected.levels[i]! + tol);
  });
}

/** startWait's answer, within what `slackMs` of extra refill may change. */
function expectStart(
  actual: StartDecision,
  expected: StartDecision,
  policies: readonly { policy: BucketPolicy }[],
  slackMs: number,
): void {
  if (expected.waitMs === Infinity) expect(actual.waitMs).toBe(Infinity);
  else {
    expect(actual.waitMs).toBeLessThanOrEqual(expected.waitMs + 1e-6);
    expect(actual.waitMs).toBeGreaterThanOrEqual(expected.waitMs - slackMs - 1e-6);
  }
  expect(actual.levels).toHaveLength(expected.levels.length);
  actual.levels.forEach((level, i) => {
    expect(level).toBeGreaterThanOrEqual(expected.levels[i]! - 1e-9);
    expect(level).toBeLessThanOrEqual(expected.levels[i]! + policies[i]!.policy.rate * slackMs + 1e-9);
  });
}

export function defineQuotaStoreContract(name: string, open: () => Promise<QuotaHarness>): void {
  describe(`quota store contract: ${name}`, () => {
    describe('takeAll matches the pure step function case by case', () => {
      TAKE_CASES.forEach((tc, i) => {
        it(tc.name, async () => {
          // The table itself is checked against core/limiter, so it cannot drift from the reference.
          expectDecision(referenceDecision(tc), tc.expected, tc.policies, 0);
          const h = await open();
          const pool = `case-${i}`;
          for (const [j, s] of tc.states.entries())
            if (s) await h.seed(pool, tc.policies[j]!.dim, s[0], s[1]);
          const got = await h.store.takeAll(pool, tc.policies, tc.cost, tc.reserveShare ?? 0);
          expectDecision(got, tc.expected, tc.policies, h.slackMs);
          // What was written is what the decision said: reading back shows the same levels.
          const after = await h.store.levels(pool, tc.policies);
          expectDecision(
            { ...got, levels: after },
            {
              ...tc.expected,
              levels: tc.expected.levels.map((l, k) => Math.min(l, tc.policies[k]!.policy.capacity)),
            },
            tc.policies,
            h.slackMs * 2,
          );
        });
      });
    });

    describe('startWait matches the pure function case by case and writes nothing', () => {
      START_CASES.forEach((tc, i) => {
        it(tc.name, async () => {
          const want = referenceStart(tc);
          expectStart(want, tc.expected, tc.policies, 0);
          const h = await open();
          const pool = `start-${i}`;
          for (const [j, s] of tc.states.entries())
            if (s) await h.seed(pool, tc.policies[j]!.dim, s[0], s[1]);
          const got = await h.store.startWait(pool, tc.policies, tc.ahead, tc.cost, tc.reserveShare ?? 0);
          expectStart(got, tc.expected, tc.policies, h.slackMs);
          // A question only: the buckets are where they were (plus refill).
          const after = await h.store.levels(pool, tc.policies);
          expectStart({ waitMs: got.waitMs, levels: after }, tc.expected, tc.policies, h.slackMs * 2);
        });
      });
    });

    it('a denied take changes nothing: the same take passes once the wait is over', async () => {
      const h = await open();
      await h.seed('wait', 'tpm', 180, 0);
      const first = await h.store.takeAll('wait', [tpm], c(1, 190));
      expect(first.allowed).toBe(false);
      expect(first.waitMs).toBeLessThanOrEqual(100);
      await h.advance(first.waitMs + 5);
      const second = await h.store.takeAll('wait', [tpm], c(1, 190));
      expect(second.allowed).toBe(true);
    });

    it('a future-stamped state keeps its stamp: a second take still sees no refill', async () => {
      const h = await open();
      await h.seed('future', 'tpm', 50, -60_000);
      await h.store.takeAll('future', [tpm], c(1, 10));
      const r = await h.store.takeAll('future', [tpm], c(1, 10));
      expect(r.levels[0]).toBeCloseTo(30, 9);
    });

    it('adjust refunds up to capacity and charges into debt', async () => {
      const h = await open();
      await h.seed('adj', 'tpm', 150, 0);
      await h.seed('adj', 'rpm', 1, 0);
      const up = await h.store.adjust('adj', [
        { dim: 'tpm', policy: tpm.policy, amount: 100 },
        { dim: 'rpm', policy: rpm.policy, amount: 0.5 },
      ]);
      expect(up[0]).toBe(200);
      expect(up[1]).toBeGreaterThanOrEqual(1.5);
      expect(up[1]).toBeLessThan(1.5 + rpm.policy.rate * h.slackMs + 1e-9);
      const down = await h.store.adjust('adj', [{ dim: 'tpm', policy: tpm.policy, amount: -450 }]);
      expect(down[0]).toBeGreaterThanOrEqual(-250);
      expect(down[0]).toBeLessThanOrEqual(-250 + tpm.policy.rate * h.slackMs);
      const fresh = await h.store.adjust('adj-fresh', [{ dim: 'tpm', policy: tpm.policy, amount: -20 }]);
      expect(fresh).toEqual([180]);
    });

    it('tighten lowers to the ceiling and never raises', async () => {
      const h = await open();
      await h.seed('tight', 'tpm', 150, 0);
      expect(await h.store.tighten('tight', [{ dim: 'tpm', policy: tpm.policy, amount: 20 }])).toEqual([20]);
      const same = await h.store.tighten('tight', [{ dim: 'tpm', policy: tpm.policy, amount: 180 }]);
      expect(same[0]).toBeGreaterThanOrEqual(20);
      expect(same[0]).toBeLessThanOrEqual(20 + tpm.policy.rate * h.slackMs);
      expect(await h.store.tighten('tight-fresh', [{ dim: 'tpm', policy: tpm.policy, amount: 500 }])).toEqual(
        [200],
      );
      expect(
        await h.store.tighten('tight-fresh2', [{ dim: 'tpm', policy: tpm.policy, amount: 75.25 }]),
      ).toEqual([75.25]);
    });

    it('pause keeps the later of the current and the new pause', async () => {
      const h = await open();
      expect(await h.store.pausedFor('p')).toBe(0);
      expect(await h.store.pause('p', 5000)).toBe(5000);
      const kept = await h.store.pause('p', 1000);
      expect(kept).toBeGreaterThan(4000);
      expect(kept).toBeLessThanOrEqual(5000);
      const left = await h.store.pausedFor('p');
      expect(left).toBeGreaterThan(4000);
      expect(left).toBeLessThanOrEqual(5000);
      expect(await h.store.pause('p', 8000)).toBe(8000);
      expect(await h.store.pausedFor('other')).toBe(0);
    });

    it('a pause ends by itself', async () => {
      const h = await open();
      await h.store.pause('short', 50);
      await h.advance(80);
      expect(await h.store.pausedFor('short')).toBe(0);
    });

    it('learned limits are replaced as a whole', async () => {
      const h = await open();
      expect(await h.store.getLearned('l')).toEqual({});
      await h.store.setLearned('l', { rpm: 500, tpm: 200_000 });
      expect(await h.store.getLearned('l')).toEqual({ rpm: 500, tpm: 200_000 });
      await h.store.setLearned('l', { tpm: 150_000.5 });
      expect(await h.store.getLearned('l')).toEqual({ tpm: 150_000.5 });
      await h.store.setLearned('l', {});
      expect(await h.store.getLearned('l')).toEqual({});
    });

    it('incrWithin counts up to the limit and refuses what would pass it', async () => {
      const h = await open();
      const W = 1e12; // one window for the whole test run
      expect(await h.store.incrWithin('t1:usd', 4, W, 10)).toMatchObject({ allowed: true, used: 4 });
      expect(await h.store.incrWithin('t1:usd', 4.5, W, 10)).toMatchObject({ allowed: true, used: 8.5 });
      expect(await h.store.incrWithin('t1:usd', 4, W, 10)).toMatchObject({ allowed: false, used: 8.5 });
      expect(await h.store.incrWithin('t1:usd', 1.5, W, 10)).toMatchObject({ allowed: true, used: 10 });
      expect(await h.store.incrWithin('t1:usd', 0, W, 10)).toMatchObject({ allowed: true, used: 10 });
      // Infinity records spend after the fact, past the limit.
      expect(await h.store.incrWithin('t1:usd', 3, W, Infinity)).toMatchObject({ allowed: true, used: 13 });
      expect(await h.store.incrWithin('t2:usd', 1, W, 10)).toMatchObject({ allowed: true, used: 1 });
      const r = await h.store.incrWithin('t2:usd', 0, W, 10);
      expect(r.resetMs).toBeGreaterThan(0);
      expect(r.resetMs).toBeLessThanOrEqual(W);
    });

    it('incrWithin starts over in the next window', async () => {
      const h = await open();
      const W = 100;
      const first = await h.store.incrWithin('win', 5, W, 5);
      expect(first.allowed).toBe(true);
      await h.advance(first.resetMs + 5);
      expect(await h.store.incrWithin('win', 5, W, 5)).toMatchObject({ allowed: true, used: 5 });
    });

    it('setIfAbsent stores once, get reads it back, and it expires', async () => {
      const h = await open();
      expect(await h.store.get('idem-1')).toBeNull();
      expect(await h.store.setIfAbsent('idem-1', 'first', 60_000)).toBe(true);
      expect(await h.store.setIfAbsent('idem-1', 'second', 60_000)).toBe(false);
      expect(await h.store.get('idem-1')).toBe('first');
      expect(await h.store.setIfAbsent('idem-2', 'short', 50)).toBe(true);
      await h.advance(80);
      expect(await h.store.get('idem-2')).toBeNull();
      expect(await h.store.setIfAbsent('idem-2', 'again', 50)).toBe(true);
    });

    it('the instance registry counts live instances and forgets silent ones', async () => {
      const h = await open();
      expect(await h.store.beat('a', 10_000)).toBe(1);
      expect(await h.store.beat('b', 10_000)).toBe(2);
      expect(await h.store.beat('a', 10_000)).toBe(2);
      expect(await h.store.beat('c', 50)).toBe(3);
      // Long enough for c to age out, and for a registry wrongly expiring as a whole to lose a and b.
      await h.advance(150);
      expect(await h.store.beat('a', 10_000)).toBe(2);
      await h.store.leave('b');
      expect(await h.store.beat('a', 10_000)).toBe(1);
    });
  });
}
