export { createEngine, type EngineDeps } from './engine.js';
export { createMemoryStore } from './memory-store.js';
export type { QuotaStore, MaybePromise } from './store.js';
export type { Timers } from './timers.js';
export * from './types.js';
export type { SharedPoolState } from './shared.js';
