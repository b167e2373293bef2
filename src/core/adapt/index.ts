export * from './headers.js';
export * from './learn.js';
