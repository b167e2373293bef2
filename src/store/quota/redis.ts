import { Redis } from 'ioredis';
import { DIMENSIONS, type Dimension, type Limits } from '../../core/limiter/index.js';
import { createRedisBudgets } from './budget-redis.js';
import type { TenantBudgetStore } from './budget-types.js';
import { createQuotaKeys } from './keys.js';
import { defineQuotaScripts } from './scripts.js';
import type { InstanceRegistry, QuotaStore } from './types.js';

export interface RedisQuotaStoreOptions {
  /** A redis:// URL, or an ioredis client the caller owns (then close() leaves it open). */
  redis: string | Redis;
  /** Key prefix inside the hash tags (default 'pacer'). */
  prefix?: string;
  /** How long learned limits are kept without a refresh (default one day). */
  learnedTtlMs?: number;
}

/** Client settings for a store that must fail fast so the degraded mode can take over. */
export function createQuotaRedisClient(url: string): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: 0,
    commandTimeout: 1000,
    enableAutoPipelining: true,
    retryStrategy: (times) => Math.min(50 * times, 1000),
  });
  // Calls made while the first connection is being set up wait for it; once it has been up, a
  // call made while Redis is away fails at once (no offline queue), so degraded mode takes over.
  // Connection errors reach callers as failed calls (and the degraded status); no console noise.
  redis.on('error', () => undefined);
  redis.once('ready', () => {
    redis.options.enableOfflineQueue = false;
  });
  return redis;
}

const num = (s: unknown): number => (s === 'inf' ? Infinity : Number(s));
const dimAt = (policies: readonly { dim: Dimension }[], i: number): Dimension | null =>
  i > 0 ? (policies[i - 1]?.dim ?? null) : null;

/**
 * Pacing state shared by a fleet: every read-modify-write is one Lua script (./lua, one per file)
 * run atomically on Redis server time; keys are hash-tagged per pool for Redis Cluster.
 */
export interface RedisQuotaStore extends QuotaStore, InstanceRegistry, TenantBudgetStore {
  readonly client: Redis;
  /** Resolves true once connected (calls fail fast before that), false after `timeoutMs`. */
  ready(timeoutMs?: number): Promise<boolean>;
}

export function createRedisQuotaStore(options: RedisQuotaStoreOptions): RedisQuotaStore {
  const owned = typeof options.redis === 'string';
  const redis = typeof options.redis === 'string' ? createQuotaRedisClient(options.redis) : options.redis;
  const keys = createQuotaKeys(options.prefix);
  const run = defineQuotaScripts(redis);
  const learnedTtlMs = options.learnedTtlMs ?? 86_400_000;

  return {
    ...createRedisBudgets(run, keys),
    client: redis,
    ready(timeoutMs = 5000) {
      if (redis.status === 'ready') return Promise.resolve(true);
      return new Promise((resolve) => {
        const done = (ok: boolean) => {
          clearTimeout(timer);
          redis.off('ready', onReady);
          resolve(ok);
        };
        const onReady = () => done(true);
        const timer = setTimeout(() => done(false), timeoutMs);
        redis.on('ready', onReady);
      });
    },
    async takeAll(pool, policies, cost, reserveShare = 0) {
      const args: (string | number)[] = [policies.length, reserveShare];
      for (const { unit, policy } of policies)
        args.push(
          policy.limit,
          policy.capacity,
          policy.rate,
          unit === 'requests' ? cost.requests : cost.tokens,
        );
      const r = (await run(
        'take-all',
        policies.map((p) => keys.bucket(pool, p.dim)),
        args,
      )) as [number, string, number, number, string, ...string[]];
      return {
        allowed: r[0] === 1,
        waitMs: num(r[1]),
        limitedBy: dimAt(policies, r[2]),
        tooLarge: dimAt(policies, r[3]),
        levels: r.slice(5).map(num),
      };
    },
    async startWait(pool, policies, ahead, cost, reserveShare = 0) {
      const args: (string | number)[] = [policies.length, reserveShare];
      for (const { unit, policy } of policies)
        args.push(
          policy.capacity,
          policy.rate,
          unit === 'requests' ? ahead.requests : ahead.tokens,
          unit === 'requests' ? cost.requests : cost.tokens,
        );
      const r = (await run(
        'start-wait',
        policies.map((p) => keys.bucket(pool, p.dim)),
        args,
      )) as string[];
      return { waitMs: num(r[0]), levels: r.slice(1).map(num) };
    },
    async adjust(pool, changes) {
      const args: (string | number)[] = [changes.length];
      for (const c of changes) args.push(c.policy.capacity, c.policy.rate, c.amount);
      return (
        (await run(
          'adjust',
          changes.map((c) => keys.bucket(pool, c.dim)),
          args,
        )) as string[]
      ).map(num);
    },
    async tighten(pool, changes) {
      const args: (string | number)[] = [changes.length];
      for (const c of changes)
        args.push(c.policy.capacity, c.policy.rate, Number.isFinite(c.amount) ? c.amount : 'inf');
      return (
        (await run(
          'tighten',
          changes.map((c) => keys.bucket(pool, c.dim)),
          args,
        )) as string[]
      ).map(num);
    },
    async levels(pool, policies) {
      const args: (string | number)[] = [policies.length];
      for (const { policy } of policies) args.push(policy.capacity, policy.rate);
      return (
        (await run(
          'levels',
          policies.map((p) => keys.bucket(pool, p.dim)),
          args,
        )) as string[]
      ).map(num);
    },
    async pause(pool, ms) {
      return (await run('pause', [keys.pause(pool)], [Math.max(1, Math.ceil(ms))])) as number;
    },
    async pausedFor(pool) {
      const left = await redis.pttl(keys.pause(pool));
      return left > 0 ? left : 0;
    },
    async setLearned(pool, limits) {
      const args: (string | number)[] = [learnedTtlMs];
      for (const dim of DIMENSIONS) {
        const v = limits[dim];
        if (v !== undefined) args.push(dim, v);
      }
      await run('learn', [keys.learned(pool)], args);
    },
    async getLearned(pool) {
      const h = await redis.hgetall(keys.learned(pool));
      const out: Limits = {};
      for (const dim of DIMENSIONS) if (h[dim] !== undefined) out[dim] = Number(h[dim]);
      return out;
    },
    async incrWithin(key, amount, windowMs, limit) {
      const r = (await run(
        'incr-within',
        [keys.counter(key)],
        [amount, windowMs, Number.isFinite(limit) ? limit : 'inf'],
      )) as [number, string, string];
      return { allowed: r[0] === 1, used: num(r[1]), resetMs: num(r[2]) };
    },
    async setIfAbsent(key, value, ttlMs) {
      return (await redis.set(keys.record(key), value, 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX')) === 'OK';
    },
    async get(key) {
      return redis.get(keys.record(key));
    },
    async beat(id, ttlMs) {
      return (await run('heartbeat', [keys.instances()], [id, Math.max(1, Math.ceil(ttlMs))])) as number;
    },
    async leave(id) {
      await redis.zrem(keys.instances(), id);
    },
    async close() {
      if (owned) await redis.quit().catch(() => redis.disconnect());
    },
  };
}
