export * from './queue.js';
export * from './dispatch.js';
export * from './fair-share.js';
