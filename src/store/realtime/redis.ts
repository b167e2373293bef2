import { Redis } from 'ioredis';
import { loadScripts, type ScriptName } from './lua-scripts.js';
import type { RealtimeStore } from './types.js';

export interface RedisRealtimeStoreOptions {
  /** A redis:// URL, or an ioredis client the caller owns (then close() leaves it open). */
  redis: string | Redis;
}

type ScriptRunner = (name: ScriptName, keys: string[], args: (string | number)[]) => Promise<unknown>;

/**
 * The realtime state shared by a fleet: atomic Lua scripts (one per file in ./lua), Redis server
 * time, keys under the `{pacer:rt}:` hash tag. Plain GET/SET where one command is atomic already.
 */
export function createRedisRealtimeStore(options: RedisRealtimeStoreOptions): RealtimeStore {
  const owned = typeof options.redis === 'string';
  const redis =
    typeof options.redis === 'string'
      ? new Redis(options.redis, { maxRetriesPerRequest: 2, enableAutoPipelining: true })
      : options.redis;
  // Failures surface on each call (and the caller decides); no unhandled 'error' events.
  if (owned) redis.on('error', () => undefined);
  const scripts = loadScripts();
  const shas = new Map<ScriptName, string>();

  const run: ScriptRunner = async (name, keys, args) => {
    let sha = shas.get(name);
    if (!sha) {
      sha = (await redis.script('LOAD', scripts[name])) as string;
      shas.set(name, sha);
    }
    try {
      return await redis.evalsha(sha, keys.length, ...keys, ...args);
    } catch (err) {
      // After a Redis restart the script cache is empty: load again once.
      if (!(err instanceof Error) || !err.message.includes('NOSCRIPT')) throw err;
      shas.delete(name);
      return redis.eval(scripts[name], keys.length, ...keys, ...args);
    }
  };

  return {
    async reserve(key, policy, cost, maxWaitMs) {
      const [ok, wait] = (await run(
        'reserve',
        [key],
        [policy.capacity, policy.refillPerMs, cost, maxWaitMs],
      )) as [number, number];
      return { ok: ok === 1, waitMs: wait };
    },
    async penalize(key, policy, ms) {
      await run('penalize', [key], [policy.capacity, policy.refillPerMs, ms]);
    },
    async acquireSlot(key, member, cap, ttlMs) {
      const [ok, count, wait] = (await run('acquire-slot', [key], [member, cap, ttlMs])) as [
        number,
        number,
        number,
      ];
      return { ok: ok === 1, count, retryAfterMs: wait };
    },
    async touchSlot(key, member, ttlMs) {
      return (await run('touch-slot', [key], [member, ttlMs])) === 1;
    },
    async releaseSlot(key, member) {
      await redis.zrem(key, member);
    },
    async countSlots(key) {
      return (await run('count-slots', [key], [])) as number;
    },
    async bookTicket(key, member, dueInMs, ttlMs) {
      await run('book-ticket', [key], [member, Math.max(0, Math.ceil(dueInMs)), ttlMs]);
    },
    async claimTicket(key, maxWaitMs, ttlMs) {
      const r = (await run('claim-ticket', [key], [maxWaitMs, ttlMs])) as [string, number] | null;
      return r ? { member: r[0], waitMs: r[1] } : null;
    },
    async get(key) {
      return redis.get(key);
    },
    async set(key, value, ttlMs) {
      await redis.set(key, value, 'PX', Math.max(1, Math.ceil(ttlMs)));
    },
    async lock(key, owner, ttlMs) {
      return (await redis.set(key, owner, 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX')) === 'OK';
    },
    async unlock(key, owner) {
      await run('unlock', [key], [owner]);
    },
    async now() {
      return (await run('now', [], [])) as number;
    },
    async close() {
      if (owned) await redis.quit().catch(() => undefined);
    },
  };
}
