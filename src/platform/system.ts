import type { Clock, Rng } from '../core/clock.js';

/** The real wall clock and ambient randomness, for adapters only (never imported by core/). */
export const systemClock: Clock = { now: () => Date.now() };
export const systemRng: Rng = { next: () => Math.random() };
