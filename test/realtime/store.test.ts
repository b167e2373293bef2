import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../src/core/clock.js';
import { createMemoryRealtimeStore, createRedisRealtimeStore } from '../../src/store/realtime/index.js';
import { redisUnavailable, startRedis, type RedisServer } from '../helpers/redis.js';
import { replayPure, RESERVE_CASES, runStoreContract } from './store-contract.js';

describe('reserveStep (pure)', () => {
  it('matches the shared table exactly', () => {
    expect(replayPure()).toEqual(RESERVE_CASES.map(({ ok, waitMs }) => ({ ok, waitMs })));
  });
});

runStoreContract('memory', async () => {
  const clock = createManualClock(Date.now());
  const store = createMemoryRealtimeStore(clock);
  return { store, pass: async (ms) => clock.advance(ms), close: () => store.close() };
});

let redis: RedisServer | undefined;
beforeAll(async () => {
  if (!redisUnavailable) redis = await startRedis();
});
afterAll(async () => {
  await redis?.close();
});

describe.skipIf(redisUnavailable !== undefined)('redis', () => {
  runStoreContract('redis', async () => {
    const store = createRedisRealtimeStore({ redis: redis!.url });
    return { store, pass: (ms) => new Promise((r) => setTimeout(r, ms)), close: () => store.close() };
  });

  it('survives a Redis restart (scripts are loaded again)', async () => {
    const store = createRedisRealtimeStore({ redis: redis!.url });
    try {
      expect((await store.reserve('{pacer:rt}:test:restart', { capacity: 1, refillPerMs: 1 }, 1, 0)).ok).toBe(
        true,
      );
      await redis!.stop();
      await redis!.start();
      let ok = false;
      for (let i = 0; i < 20 && !ok; i++) {
        ok = await store.reserve('{pacer:rt}:test:restart2', { capacity: 1, refillPerMs: 1 }, 1, 0).then(
          (r) => r.ok,
          () => false,
        );
        if (!ok) await new Promise((r) => setTimeout(r, 100));
      }
      expect(ok).toBe(true);
    } finally {
      await store.close();
    }
  });
});
