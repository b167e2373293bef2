/** Time and randomness are injected so the pacing core stays deterministic under test. */
export interface Clock {
  /** Milliseconds since the Unix epoch (or any fixed origin for tests). */
  now(): number;
}

export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
}

export interface ManualClock extends Clock {
  advance(ms: number): void;
  set(ms: number): void;
}

export function createManualClock(start = 0): ManualClock {
  let t = start;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
    set: (ms) => {
      t = ms;
    },
  };
}

/** mulberry32: tiny, fast, good enough for jitter and simulation; same seed, same sequence. */
export function createSeededRng(seed: number): Rng {
  let a = seed >>> 0;
  return {
    next() {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}

/** Derives an independent stream from a parent seed, so adding one consumer does not shift another. */
export function forkRng(seed: number, stream: string): Rng {
  let h = seed >>> 0;
  for (let i = 0; i < stream.length; i++) h = Math.imul(h ^ stream.charCodeAt(i), 0x9e3779b1) >>> 0;
  return createSeededRng(h);
}
