export * from './types.js';
export * from './memory.js';
export * from './sqlite.js';
export * from './redis.js';
