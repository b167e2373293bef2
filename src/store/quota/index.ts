export * from './types.js';
export * from './keys.js';
export * from './memory.js';
export * from './redis.js';
export * from './degraded.js';
export * from './heartbeat.js';
export * from './engine-port.js';
export * from './shared.js';
