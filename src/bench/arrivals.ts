import type { Rng } from '../core/clock.js';

/**
 * Open-loop Poisson arrivals: exponential gaps at `ratePerS`, from 0 until `durationS`.
 * Times are in ms from the start of the run; the same seed gives the same schedule.
 */
export function generateArrivals(ratePerS: number, durationS: number, rng: Rng): number[] {
  if (!(ratePerS > 0) || !(durationS > 0)) return [];
  const out: number[] = [];
  const endMs = durationS * 1000;
  const meanGapMs = 1000 / ratePerS;
  let t = 0;
  for (;;) {
    // 1 - u is in (0, 1], so the log is finite.
    t += -Math.log(1 - rng.next()) * meanGapMs;
    if (t >= endMs) return out;
    out.push(t);
  }
}

/** Picks an index with probability proportional to its weight. */
export function pickWeighted(weights: readonly number[], rng: Rng): number {
  let total = 0;
  for (const w of weights) total += w;
  let x = rng.next() * total;
  for (let i = 0; i < weights.length; i++) {
    x -= weights[i] ?? 0;
    if (x < 0) return i;
  }
  return weights.length - 1;
}
