export type { BucketPolicy, RealtimeStore, Reservation, SlotDecision } from './types.js';
export { KEY_PREFIX } from './types.js';
export { reserveStep, penalizeStep, type BucketState } from './bucket-step.js';
export { createMemoryRealtimeStore } from './memory.js';
export { createRedisRealtimeStore, type RedisRealtimeStoreOptions } from './redis.js';
