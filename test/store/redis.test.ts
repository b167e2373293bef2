import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DimensionPolicy } from '../../src/core/limiter/index.js';
import { createQuotaKeys, createRedisQuotaStore } from '../../src/store/quota/index.js';
import { redisUnavailable, startRedis, type RedisServer } from '../helpers/redis.js';
import { defineQuotaStoreContract } from './contract.js';

const suite = redisUnavailable ? describe.skip : describe;

suite('redis quota store', () => {
  let server: RedisServer;
  let admin: Redis;
  const opened: { close(): Promise<void> }[] = [];
  let n = 0;

  beforeAll(async () => {
    server = await startRedis();
    admin = new Redis(server.url);
  });
  afterAll(async () => {
    for (const s of opened) await s.close();
    admin?.disconnect();
    await server?.close();
  });

  async function serverNow(): Promise<number> {
    const [s, us] = await admin.time();
    return Number(s) * 1000 + Number(us) / 1000;
  }

  defineQuotaStoreContract('redis', async () => {
    // A prefix per test keeps tests apart without flushing.
    const prefix = `t${n++}`;
    const store = createRedisQuotaStore({ redis: server.url, prefix });
    opened.push(store);
    await store.ready();
    const keys = createQuotaKeys(prefix);
    return {
      store,
      slackMs: 200,
      seed: async (pool, dim, level, elapsedMs) => {
        await admin.hset(
          keys.bucket(pool, dim),
          'l',
          String(level),
          't',
          String((await serverNow()) - elapsedMs),
        );
      },
      advance: (ms) => new Promise((r) => setTimeout(r, ms)),
    };
  });

  describe('specifics', () => {
    const tpm: DimensionPolicy = {
      dim: 'tpm',
      unit: 'tokens',
      policy: { limit: 100_000, capacity: 1000, rate: 1e-9 },
    };
    const rpm: DimensionPolicy = {
      dim: 'rpm',
      unit: 'requests',
      policy: { limit: 10_000, capacity: 10_000, rate: 1e-9 },
    };

    it('parallel takes from several clients never admit more than the bucket holds', async () => {
      const stores = Array.from({ length: 4 }, () =>
        createRedisQuotaStore({ redis: server.url, prefix: 'race' }),
      );
      opened.push(...stores);
      for (const s of stores) await s.ready();
      const results = await Promise.all(
        Array.from({ length: 400 }, (_, i) =>
          stores[i % stores.length]!.takeAll('shared', [rpm, tpm], { requests: 1, tokens: 7 }),
        ),
      );
      const admitted = results.filter((r) => r.allowed).length;
      // 1000 tokens / 7 per take = 142 takes; a read-modify-write race would admit more.
      expect(admitted).toBe(142);
      const [requests, tokens] = await stores[0]!.levels('shared', [rpm, tpm]);
      expect(tokens).toBeCloseTo(1000 - 142 * 7, 3);
      expect(requests).toBeCloseTo(10_000 - 142, 3);
    });

    it('keys are hash-tagged per pool and carry a TTL', async () => {
      const store = createRedisQuotaStore({ redis: server.url, prefix: 'ttl' });
      opened.push(store);
      await store.ready();
      const fast: DimensionPolicy = {
        dim: 'tpm',
        unit: 'tokens',
        policy: { limit: 6000, capacity: 200, rate: 0.1 },
      };
      await store.takeAll('gpt-4o-mini', [fast], { requests: 1, tokens: 100 });
      const key = '{ttl:pool:gpt-4o-mini}:b:tpm';
      expect(await admin.exists(key)).toBe(1);
      const ttl = await admin.pttl(key);
      // 100 tokens short at 0.1/ms: full again in 1 s; the key lives twice that plus a second.
      expect(ttl).toBeGreaterThan(2000);
      expect(ttl).toBeLessThanOrEqual(3000);
      await store.pause('gpt-4o-mini', 1000);
      await store.setLearned('gpt-4o-mini', { tpm: 6000 });
      const all = await admin.keys('{ttl:*');
      expect(new Set(all.map((k) => k.slice(0, k.indexOf('}') + 1)))).toEqual(
        new Set(['{ttl:pool:gpt-4o-mini}']),
      );
      for (const k of all) expect(await admin.pttl(k)).toBeGreaterThan(0);
    });

    it('uses Redis server time, not the instance clock', async () => {
      // The store sends no timestamps at all: every script reads TIME itself.
      const store = createRedisQuotaStore({ redis: server.url, prefix: 'clock' });
      opened.push(store);
      await store.ready();
      const fast: DimensionPolicy = {
        dim: 'tpm',
        unit: 'tokens',
        policy: { limit: 6000, capacity: 200, rate: 0.1 },
      };
      const before = await serverNow();
      await store.takeAll('p', [fast], { requests: 1, tokens: 100 });
      const at = Number(await admin.hget('{clock:pool:p}:b:tpm', 't'));
      expect(at).toBeGreaterThanOrEqual(before);
      expect(at).toBeLessThanOrEqual((await serverNow()) + 1e-3);
    });

    it('survives a flushed script cache (NOSCRIPT falls back to EVAL)', async () => {
      const store = createRedisQuotaStore({ redis: server.url, prefix: 'noscript' });
      opened.push(store);
      await store.ready();
      await store.takeAll('p', [tpm], { requests: 1, tokens: 1 });
      await admin.script('FLUSH');
      const r = await store.takeAll('p', [tpm], { requests: 1, tokens: 1 });
      expect(r.allowed).toBe(true);
      expect(r.levels[0]).toBeCloseTo(998, 3);
    });
  });
});
