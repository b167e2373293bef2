export * from './bucket.js';
export * from './policy.js';
export * from './take-all.js';
export * from './start-wait.js';
