export * from './plan.js';
export * from './budget.js';
