import { describe, expect, it } from 'vitest';
import { reserveStep, type BucketState } from '../../src/store/realtime/bucket-step.js';
import type { BucketPolicy, RealtimeStore } from '../../src/store/realtime/types.js';

export interface StoreFixture {
  store: RealtimeStore;
  /** Lets time pass: advances a manual clock, or sleeps for a server clock. */
  pass(ms: number): Promise<void>;
}

/** One bucket per 10 s: time passing during a test (a few ms) moves waits by well under the tolerance. */
const SLOW: BucketPolicy = { capacity: 2, refillPerMs: 1 / 10_000 };
const TOLERANCE = 60;

/** Reservation cases: [cost, maxWaitMs] -> expected {ok, waitMs}; run in order on one fresh bucket. */
export const RESERVE_CASES: { cost: number; maxWaitMs: number; ok: boolean; waitMs: number }[] = [
  { cost: 1, maxWaitMs: 0, ok: true, waitMs: 0 },
  { cost: 1, maxWaitMs: 0, ok: true, waitMs: 0 },
  { cost: 1, maxWaitMs: 0, ok: false, waitMs: 10_000 },
  { cost: 1, maxWaitMs: 10_000, ok: true, waitMs: 10_000 },
  { cost: 1, maxWaitMs: 15_000, ok: false, waitMs: 20_000 },
  { cost: 2, maxWaitMs: 40_000, ok: true, waitMs: 30_000 },
];

/** The same table through the pure step function (what the Lua port must match). */
export function replayPure(policy: BucketPolicy = SLOW) {
  let state: BucketState | undefined;
  return RESERVE_CASES.map((c) => {
    const out = reserveStep(state, 0, policy, c.cost, c.maxWaitMs);
    state = out.state;
    return out.result;
  });
}

export function runStoreContract(
  name: string,
  make: () => Promise<StoreFixture & { close(): Promise<void> }>,
): void {
  describe(`realtime store contract: ${name}`, () => {
    const withStore = (fn: (f: StoreFixture) => Promise<void>) => async () => {
      const f = await make();
      try {
        await fn(f);
      } finally {
        await f.close();
      }
    };
    let n = 0;
    const key = (k: string) => `{pacer:rt}:test:${name}:${k}:${Date.now()}:${n++}`;

    it(
      'reserves like the pure step function on the shared table',
      withStore(async ({ store }) => {
        const k = key('bucket');
        const pure = replayPure();
        for (const [i, c] of RESERVE_CASES.entries()) {
          const r = await store.reserve(k, SLOW, c.cost, c.maxWaitMs);
          expect(r.ok, `case ${i}`).toBe(pure[i]?.ok);
          expect(
            Math.abs(r.waitMs - (pure[i]?.waitMs ?? -1)),
            `case ${i} wait ${r.waitMs}`,
          ).toBeLessThanOrEqual(TOLERANCE);
        }
      }),
    );

    it(
      'refills over time, fractions kept',
      withStore(async ({ store, pass }) => {
        const k = key('refill');
        const fast: BucketPolicy = { capacity: 1, refillPerMs: 1 / 100 };
        expect((await store.reserve(k, fast, 1, 0)).ok).toBe(true);
        expect((await store.reserve(k, fast, 1, 0)).ok).toBe(false);
        await pass(150);
        expect((await store.reserve(k, fast, 1, 0)).ok).toBe(true);
      }),
    );

    it(
      'penalize empties the bucket for the given time and never fills it',
      withStore(async ({ store }) => {
        const k = key('penalty');
        await store.penalize(k, SLOW, 5_000);
        const r = await store.reserve(k, SLOW, 1, 0);
        expect(r.ok).toBe(false);
        expect(Math.abs(r.waitMs - 15_000)).toBeLessThanOrEqual(TOLERANCE);
        await store.penalize(k, SLOW, 1);
        const again = await store.reserve(k, SLOW, 1, 0);
        expect(again.waitMs).toBeGreaterThan(14_000);
      }),
    );

    it(
      'caps slots, lets a holder re-acquire, frees on release, says when the first expires',
      withStore(async ({ store }) => {
        const k = key('slots');
        expect((await store.acquireSlot(k, 'a', 2, 60_000)).ok).toBe(true);
        expect(await store.acquireSlot(k, 'b', 2, 30_000)).toEqual({ ok: true, count: 2, retryAfterMs: 0 });
        const denied = await store.acquireSlot(k, 'c', 2, 60_000);
        expect(denied.ok).toBe(false);
        expect(denied.count).toBe(2);
        expect(denied.retryAfterMs).toBeGreaterThan(29_000);
        expect(denied.retryAfterMs).toBeLessThanOrEqual(30_000);
        expect((await store.acquireSlot(k, 'a', 2, 60_000)).ok).toBe(true);
        await store.releaseSlot(k, 'a');
        expect(await store.countSlots(k)).toBe(1);
        expect((await store.acquireSlot(k, 'c', 2, 60_000)).ok).toBe(true);
      }),
    );

    it(
      'expires slots that are not touched (crash safety) and keeps touched ones',
      withStore(async ({ store, pass }) => {
        const k = key('ttl');
        await store.acquireSlot(k, 'kept', 5, 120);
        await store.acquireSlot(k, 'lost', 5, 120);
        await pass(70);
        expect(await store.touchSlot(k, 'kept', 120)).toBe(true);
        await pass(80);
        expect(await store.countSlots(k)).toBe(1);
        expect(await store.touchSlot(k, 'lost', 120)).toBe(false);
      }),
    );

    it(
      'stores values with a TTL and locks with an owner',
      withStore(async ({ store, pass }) => {
        const k = key('kv');
        await store.set(k, 'v', 80);
        expect(await store.get(k)).toBe('v');
        await pass(120);
        expect(await store.get(k)).toBeNull();
        const l = key('lock');
        expect(await store.lock(l, 'one', 5_000)).toBe(true);
        expect(await store.lock(l, 'two', 5_000)).toBe(false);
        await store.unlock(l, 'two');
        expect(await store.get(l)).toBe('one');
        await store.unlock(l, 'one');
        expect(await store.lock(l, 'two', 80)).toBe(true);
        await pass(120);
        expect(await store.lock(l, 'three', 80)).toBe(true);
      }),
    );

    it(
      'books tickets and hands out the earliest one due within the wait',
      withStore(async ({ store, pass }) => {
        const k = key('tickets');
        expect(await store.claimTicket(k, 1_000, 60_000)).toBeNull();
        await store.bookTicket(k, 'late:1', 600, 60_000);
        await store.bookTicket(k, 'soon:2', 100, 60_000);
        expect(await store.claimTicket(k, 50, 60_000)).toBeNull();
        const soon = await store.claimTicket(k, 200, 60_000);
        expect(soon?.member).toBe('soon:2');
        expect(soon?.waitMs).toBeLessThanOrEqual(100);
        expect(await store.claimTicket(k, 200, 60_000)).toBeNull();
        await pass(700);
        expect((await store.claimTicket(k, 0, 60_000))?.member).toBe('late:1');
        await store.bookTicket(k, 'stale:1', 0, 50);
        await pass(120);
        expect(await store.claimTicket(k, 0, 50)).toBeNull();
      }),
    );

    it(
      'tells the time',
      withStore(async ({ store }) => {
        expect(Math.abs((await store.now()) - Date.now())).toBeLessThan(5_000);
      }),
    );
  });
}
