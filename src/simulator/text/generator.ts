import type { Rng } from '../../core/clock.js';
import { createSeededRng } from '../../core/clock.js';
import { vocabulary } from './vocabulary.js';

/**
 * Deterministic text for (seed, request): a list of pieces, each exactly one o200k token.
 * Sentences of 5-14 words end with "."; the first word of a sentence is capitalised (and has no
 * leading space at the very start, which is still one token).
 */
export function generatePieces(seed: number, count: number): string[] {
  const { lower, upper, starts } = vocabulary();
  const rng = createSeededRng(seed);
  const out: string[] = new Array<string>(count);
  let left = 0;
  for (let i = 0; i < count; i++) {
    if (left === 0 && i > 0) {
      out[i] = '.';
      left = -1;
      continue;
    }
    const k = Math.floor(rng.next() * lower.length);
    if (i === 0) {
      out[i] = starts[k % starts.length]!;
      left = 5 + Math.floor(rng.next() * 10);
    } else if (left <= 0) {
      out[i] = upper[k]!;
      left = 5 + Math.floor(rng.next() * 10);
    } else {
      out[i] = lower[k]!;
    }
    left--;
  }
  return out;
}

/** Lognormal draw with the given median: heavy enough on the right for realistic tails. */
export function lognormal(rng: Rng, median: number, sigma: number): number {
  return median * Math.exp(sigma * normal(rng));
}

export function normal(rng: Rng): number {
  const u = 1 - rng.next();
  const v = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** FNV-1a over a string, mixed with the seed: the per-request text seed. */
export function hashText(seed: number, text: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

const OBF = 'aZ3kQ9xLm2PcV7tRw5YbN8sHd4JfG6uEq1OiTzKgXyBnMvCr0WlSjUhFpAoDe';

/** The random-length padding string the real API adds to stream deltas. */
export function obfuscation(rng: Rng, deltaLength: number): string {
  const len = Math.max(1, 16 - Math.min(15, deltaLength) + Math.floor(rng.next() * 4));
  const start = Math.floor(rng.next() * (OBF.length - len));
  return OBF.slice(start, start + len);
}
