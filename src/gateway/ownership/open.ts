import type { Clock } from '../../core/clock.js';
import { createRedisOwnerStore, openSqliteOwnerStore, type OwnerStore } from '../../store/owners/index.js';
import type { GatewayConfig } from '../config.js';

/**
 * Where owners live: Redis when the fleet shares state (redis_url), else a table in the key
 * store's SQLite file (keys_db), which every gateway on the machine shares and which outlives a
 * restart (decision 006).
 */
export function openOwnerStore(config: GatewayConfig, clock: Clock): OwnerStore {
  if (config.redis_url !== undefined) return createRedisOwnerStore({ redis: config.redis_url });
  return openSqliteOwnerStore(config.keys_db, clock);
}
