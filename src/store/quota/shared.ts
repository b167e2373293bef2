import { createEngineQuotaPort, type EngineQuotaPortLike } from './engine-port.js';
import {
  createDegradableQuotaStore,
  type DegradableQuotaStore,
  type DegradableQuotaStoreOptions,
} from './degraded.js';
import { createRedisQuotaStore } from './redis.js';

export interface SharedQuotaOptions extends Omit<DegradableQuotaStoreOptions, 'primary' | 'registry'> {
  /** redis:// URL (PACER_REDIS_URL). */
  url: string;
  /** Key prefix inside the hash tags (default 'pacer'). */
  prefix?: string;
}

export interface SharedQuota {
  /** The shared store with its degraded fallback: budgets, pauses, learned limits, records. */
  store: DegradableQuotaStore;
  /** The same store as the engine's bucket port (`createEngine(options, { store: enginePort })`). */
  enginePort: EngineQuotaPortLike;
}

/** Wires the Redis store, the heartbeat registry and the degraded mode for one gateway instance. */
export function createSharedQuota(options: SharedQuotaOptions): SharedQuota {
  const { url, prefix, ...rest } = options;
  const redis = createRedisQuotaStore({ redis: url, ...(prefix !== undefined ? { prefix } : {}) });
  const store = createDegradableQuotaStore({ ...rest, primary: redis, registry: redis });
  return { store, enginePort: createEngineQuotaPort(store, options.clock) };
}
