/** Two engines on one shared QuotaStore (the memory implementation of the Redis port): a fleet in-process. */
import { describe, expect, it } from 'vitest';
import { createSeededRng } from '../../src/core/clock.js';
import { createEngine, type QuotaStore as EnginePort } from '../../src/engine/index.js';
import type { EngineOptions } from '../../src/engine/types.js';
import { createEngineQuotaPort } from '../../src/store/quota/engine-port.js';
import { createMemoryQuotaStore } from '../../src/store/quota/memory.js';
import { createFakeTime, flush } from './fake-timers.js';

const POOL = 'p';
/** Lets chains of store promises (pausedFor, then take) settle. */
const settle = async () => {
  for (let i = 0; i < 10; i++) await flush();
};
const req = (tokens: number, o: Record<string, unknown> = {}) => ({
  pool: POOL,
  tenant: 't',
  priority: 'default' as const,
  tokens,
  ...o,
});

function fleet(options: EngineOptions = { pools: { [POOL]: { models: ['m1'], tpm: 60_000 } }, headroom: 0 }) {
  const time = createFakeTime(1_000_000);
  const shared = createMemoryQuotaStore({ clock: time.clock });
  const make = () =>
    createEngine(options, {
      clock: time.clock,
      timers: time.timers,
      rng: createSeededRng(1),
      store: createEngineQuotaPort(shared, time.clock),
      shared,
    });
  return { time, shared, a: make(), b: make() };
}

describe('engine with shared state', () => {
  it('a 429 seen by one instance pauses the pool on the other', async () => {
    const { time, a, b } = fleet();
    const now = time.clock.now();
    a.observe({
      pool: POOL,
      status: 429,
      headers: { 'retry-after-ms': '700' },
      sentAt: now - 10,
      receivedAt: now,
      rateLimitType: 'tokens',
    });
    await flush();
    let started: number | undefined;
    void b.acquire(req(10)).then((r) => {
      if (r.ok) started = time.clock.now();
    });
    await settle();
    await time.advance(600);
    await settle();
    expect(started).toBeUndefined();
    await time.advance(300);
    await settle();
    expect(started).toBeGreaterThanOrEqual(now + 700);
  });

  it('limits learned by one instance are adopted by a pool created later on another', async () => {
    const { time, a, b } = fleet({ headroom: 0 });
    const now = time.clock.now();
    a.observe({
      pool: 'learned',
      status: 200,
      headers: { 'x-ratelimit-limit-tokens': '30000', 'x-ratelimit-limit-requests': '500' },
      sentAt: now - 10,
      receivedAt: now,
    });
    await flush();
    void b.acquire({ ...req(10), pool: 'learned' });
    await flush();
    const snap = b.snapshot().find((s) => s.pool === 'learned')!;
    expect(snap.limits).toMatchObject({ tpm: 30000, rpm: 500 });
    expect(snap.learned).toBe(true);
  });

  it('never sheds early on a stale mirror: the shared bucket decides', async () => {
    const { time, shared, a } = fleet();
    // A drains the burst (its mirror now says "empty for a while").
    const first = await a.acquire(req(1900));
    expect(first.ok).toBe(true);
    // Another instance gives the tokens back (a refund A never saw).
    const policies = [
      { dim: 'tpm' as const, unit: 'tokens' as const, policy: { limit: 60_000, capacity: 2000, rate: 1 } },
    ];
    await shared.adjust(
      POOL,
      policies.map((p) => ({ dim: p.dim, policy: p.policy, amount: 1900 })),
    );
    let r: Awaited<ReturnType<typeof a.acquire>> | undefined;
    void a.acquire(req(1500, { deadlineMs: 100 })).then((x) => (r = x));
    await time.advance(1);
    expect(r?.ok).toBe(true);
  });

  it("sheds at once on the store's answer: the first take of a request that found the queue idle", async () => {
    const { time, a } = fleet(); // burst 20 000 tokens, 1 token/ms
    expect((await a.acquire(req(20_000))).ok).toBe(true);
    let r: Awaited<ReturnType<typeof a.acquire>> | undefined;
    void a.acquire(req(15_000, { deadlineMs: 5000 })).then((x) => (r = x));
    await settle();
    // Answered now, with when it would fit, not 5 s later at its deadline.
    expect(time.clock.now()).toBe(1_000_000);
    expect(r).toMatchObject({ ok: false, reason: 'deadline' });
    expect((r as { retryAfterMs: number }).retryAfterMs).toBe(15_000);
  });

  it("sheds at once on the store's answer: startWait for a request queued behind others", async () => {
    const { time, a } = fleet();
    expect((await a.acquire(req(20_000))).ok).toBe(true);
    let first: Awaited<ReturnType<typeof a.acquire>> | undefined;
    let late: Awaited<ReturnType<typeof a.acquire>> | undefined;
    let fits: Awaited<ReturnType<typeof a.acquire>> | undefined;
    void a.acquire(req(5000, { deadlineMs: 60_000 })).then((x) => (first = x));
    await settle();
    // 5 000 ahead of it plus its own 5 000: 10 s, past its 1 s deadline.
    void a.acquire(req(5000, { deadlineMs: 1000 })).then((x) => (late = x));
    void a.acquire(req(100, { deadlineMs: 60_000 })).then((x) => (fits = x));
    await settle();
    expect(time.clock.now()).toBe(1_000_000);
    expect(late).toMatchObject({ ok: false, reason: 'deadline' });
    expect((late as { retryAfterMs: number }).retryAfterMs).toBe(10_000);
    expect(first).toBeUndefined();
    expect(fits).toBeUndefined();
    await time.advance(5100);
    await settle();
    expect(first).toMatchObject({ ok: true });
    expect(fits).toMatchObject({ ok: true });
  });

  it('asks the store, not its stale mirror, before shedding a request queued behind others', async () => {
    const { time, shared, a } = fleet();
    expect((await a.acquire(req(20_000))).ok).toBe(true);
    void a.acquire(req(1000, { deadlineMs: 60_000 }));
    await settle();
    // Another instance gives 20 000 tokens back: this one's mirror still says empty.
    const policies = [
      { dim: 'tpm' as const, unit: 'tokens' as const, policy: { limit: 60_000, capacity: 20_000, rate: 1 } },
    ];
    await shared.adjust(
      POOL,
      policies.map((p) => ({ dim: p.dim, policy: p.policy, amount: 20_000 })),
    );
    let r: Awaited<ReturnType<typeof a.acquire>> | undefined;
    void a.acquire(req(15_000, { deadlineMs: 3000 })).then((x) => (r = x));
    await settle();
    // The store says it fits (its mirror said 15 s): not shed, and the queue's next take serves it.
    expect(r).toMatchObject({ ok: true, queuedMs: 0 });
    expect(time.clock.now()).toBe(1_000_000);
  });

  it('a blocked take from an async store waits for its time instead of asking again at once', async () => {
    const time = createFakeTime(0);
    let takes = 0;
    const store: EnginePort = {
      take: async (_k, now, _c, policies) => {
        takes++;
        // A regression would ask again forever on microtasks: give in so the test fails, not hangs.
        return {
          allowed: takes > 20,
          states: policies.map(() => ({ level: 0, at: now })),
          waitMs: 1000,
          tooLarge: null,
          limitedBy: 'tpm',
        };
      },
      startWait: async (_k, now, _a, _c, policies) => ({
        waitMs: 1000,
        states: policies.map(() => ({ level: 0, at: now })),
      }),
      adjust: async (_k, now, _d, policies) => policies.map(() => ({ level: 0, at: now })),
      tighten: async (_k, now, _c, policies) => policies.map(() => ({ level: 0, at: now })),
      read: async () => [],
    };
    const e = createEngine(
      { pools: { [POOL]: { models: ['m1'], tpm: 60_000 } } },
      { clock: time.clock, timers: time.timers, rng: createSeededRng(1), store },
    );
    void e.acquire(req(10, { deadlineMs: 5000 }));
    for (let i = 0; i < 50; i++) await flush();
    expect(takes).toBe(1);
    await time.advance(1000);
    expect(takes).toBe(2);
    e.close();
  });
});
