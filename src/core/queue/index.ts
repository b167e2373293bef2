export * from './queue.js';
export * from './dispatch.js';
