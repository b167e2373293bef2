import type { Rng } from '../../core/clock.js';

const HEX = '0123456789abcdef';
const B62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Deterministic object ids in the shapes the real API uses (`file-…`, `batch_…`, `ek_…`). */
export interface IdGenerator {
  hex(prefix: string, length?: number): string;
  base62(prefix: string, length?: number): string;
}

export function createIdGenerator(rng: Rng): IdGenerator {
  const pick = (alphabet: string, n: number): string => {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(rng.next() * alphabet.length)];
    return s;
  };
  return {
    hex: (prefix, length = 32) => prefix + pick(HEX, length),
    base62: (prefix, length = 22) => prefix + pick(B62, length),
  };
}
