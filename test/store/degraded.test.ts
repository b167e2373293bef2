import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DimensionPolicy } from '../../src/core/limiter/index.js';
import {
  createDegradableQuotaStore,
  createRedisQuotaStore,
  type DegradableQuotaStore,
  type StoreStatus,
} from '../../src/store/quota/index.js';
import { freePort, redisUnavailable, startRedis, type RedisServer } from '../helpers/redis.js';

const suite = redisUnavailable ? describe.skip : describe;

// No refill to speak of: what a bucket admits is exactly its capacity.
const tpm: DimensionPolicy = {
  dim: 'tpm',
  unit: 'tokens',
  policy: { limit: 100_000, capacity: 1000, rate: 1e-9 },
};
const cost = { requests: 1, tokens: 10 };

async function admitted(store: DegradableQuotaStore, pool: string, tries: number): Promise<number> {
  let n = 0;
  for (let i = 0; i < tries; i++) if ((await store.takeAll(pool, [tpm], cost)).allowed) n++;
  return n;
}

async function until(what: () => boolean, ms = 5000): Promise<void> {
  for (const end = Date.now() + ms; !what();) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

suite('degraded mode', () => {
  let server: RedisServer;
  const closers: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    for (const c of closers) await c();
    await server?.close();
  });

  function instance(id: string, events: StoreStatus[]): DegradableQuotaStore {
    const redis = createRedisQuotaStore({ redis: server.url, prefix: 'deg' });
    const store = createDegradableQuotaStore({
      primary: redis,
      registry: redis,
      instanceId: id,
      heartbeatMs: 100,
      probeIntervalMs: 50,
      defaultInstances: 5,
      onStatus: (s) => events.push(s),
    });
    closers.push(() => store.close());
    return store;
  }

  it('serves on a 1/N local share while Redis is down and recovers when it returns', async () => {
    const eventsA: StoreStatus[] = [];
    const eventsB: StoreStatus[] = [];
    const a = instance('a', eventsA);
    const b = instance('b', eventsB);
    await until(() => a.instances() === 2 && b.instances() === 2);

    // Shared: the two instances together get the bucket once.
    expect((await admitted(a, 'p1', 60)) + (await admitted(b, 'p1', 60))).toBe(100);
    expect(a.status()).toEqual({ state: 'ok' });

    await server.stop();
    // Each instance now paces alone on half of the bucket (N = 2 from the registry).
    expect(await admitted(a, 'p2', 80)).toBe(50);
    expect(await admitted(b, 'p2', 80)).toBe(50);
    const s = a.status();
    expect(s.state).toBe('degraded');
    expect(s.state === 'degraded' && s.reason.length > 0).toBe(true);
    expect(eventsA.map((e) => e.state)).toEqual(['degraded']);
    expect(a.instances()).toBe(2);

    await server.start();
    await until(() => a.status().state === 'ok' && b.status().state === 'ok');
    expect(eventsA.map((e) => e.state)).toEqual(['degraded', 'ok']);
    expect(eventsB.map((e) => e.state)).toEqual(['degraded', 'ok']);
    // Back on the shared store (empty after the restart): one bucket for both again.
    expect((await admitted(a, 'p3', 60)) + (await admitted(b, 'p3', 60))).toBe(100);
  });

  it('uses the configured N when the registry has never answered', async () => {
    const dead = createRedisQuotaStore({ redis: `redis://127.0.0.1:${await freePort()}`, prefix: 'dead' });
    const events: StoreStatus[] = [];
    const store = createDegradableQuotaStore({
      primary: dead,
      defaultInstances: 4,
      probeIntervalMs: 10_000,
      onStatus: (s) => events.push(s),
    });
    closers.push(() => store.close());
    expect(await admitted(store, 'p', 40)).toBe(25);
    expect(store.status().state).toBe('degraded');
    expect(events).toHaveLength(1);
    // Budgets shrink the same way: 1/4 of a 100-unit budget.
    expect((await store.incrWithin('tenant:usd', 30, 1e12, 100)).allowed).toBe(false);
    expect((await store.incrWithin('tenant:usd', 25, 1e12, 100)).allowed).toBe(true);
  });
});
