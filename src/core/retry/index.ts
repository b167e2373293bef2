export * from './backoff.js';
export * from './budget.js';
export * from './breaker.js';
export * from './decide.js';
