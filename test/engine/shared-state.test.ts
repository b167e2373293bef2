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
