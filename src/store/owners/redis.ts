import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import { createQuotaRedisClient } from '../quota/redis.js';
import type { OwnerRecord, OwnerStore } from './types.js';

export interface RedisOwnerStoreOptions {
  /** A redis:// URL (PACER_REDIS_URL), or an ioredis client the caller owns. */
  redis: string | Redis;
  /** Key prefix (default 'pacer'): keys are `PREFIX:owner:ID`, one key per object. */
  prefix?: string;
}

/** claim.lua, read once. Works from src/ (tests) and dist/ (built). */
function claimScript(): string {
  const candidates = ['./lua/', '../../../src/store/owners/lua/'].map((rel) =>
    fileURLToPath(new URL(rel, import.meta.url)),
  );
  const dir = candidates.find((d) => existsSync(`${d}claim.lua`));
  if (!dir) throw new Error(`owner Lua script not found in ${candidates.join(' or ')}`);
  return readFileSync(`${dir}claim.lua`, 'utf8');
}

type ClaimCommand = (keys: number, key: string, record: string, ttl: string) => Promise<string>;

/**
 * Owners shared by a fleet: one key per object holding its record as JSON; a claim is one Lua
 * step (first claim wins). Single-key commands only, so it works on Redis Cluster. The client
 * fails fast like the quota store's: a call while Redis is away rejects, and the gateway answers
 * 503 rather than guess who owns what.
 */
export function createRedisOwnerStore(options: RedisOwnerStoreOptions): OwnerStore & { client: Redis } {
  const owned = typeof options.redis === 'string';
  const redis = typeof options.redis === 'string' ? createQuotaRedisClient(options.redis) : options.redis;
  const prefix = options.prefix ?? 'pacer';
  const key = (id: string): string => `${prefix}:owner:${id}`;
  if (!('pacerOwnerClaim' in redis)) redis.defineCommand('pacerOwnerClaim', { lua: claimScript() });
  const claim = (redis as unknown as { pacerOwnerClaim: ClaimCommand }).pacerOwnerClaim.bind(redis);
  const parse = (text: string | null): OwnerRecord | undefined =>
    text === null ? undefined : (JSON.parse(text) as OwnerRecord);

  return {
    kind: 'redis',
    client: redis,
    async claim(id, record, ttlMs) {
      const ttl = ttlMs === undefined ? '' : String(Math.max(1, Math.ceil(ttlMs)));
      return (parse(await claim(1, key(id), JSON.stringify(record), ttl)) as OwnerRecord).tenant;
    },
    get: async (id) => parse(await redis.get(key(id))),
    // One GET per id: auto-pipelined into one round trip, and valid across Cluster slots.
    getMany: async (ids) => (await Promise.all(ids.map((id) => redis.get(key(id))))).map(parse),
    async release(id) {
      await redis.del(key(id));
    },
    async close() {
      if (!owned) return;
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
