import type { Rng } from '../../core/clock.js';

export interface PlannedBrowser {
  index: number;
  atMs: number;
  user: string;
  instance: number;
}

/** Who arrives when, as which user, at which instance: the same for both modes and a given seed. */
export function planBrowsers(
  browsers: number,
  users: number,
  instances: number,
  windowMs: number,
  rng: Rng,
): PlannedBrowser[] {
  const distinct = Math.max(1, Math.min(users, browsers));
  const out: PlannedBrowser[] = [];
  for (let i = 0; i < browsers; i++) {
    // The first `distinct` browsers are distinct users; the rest are more tabs of someone.
    const u = i < distinct ? i : Math.floor(rng.next() * distinct);
    out.push({
      index: i,
      atMs: rng.next() * windowMs,
      user: `user-${u}`,
      instance: Math.floor(rng.next() * instances),
    });
  }
  return out.sort((a, b) => a.atMs - b.atMs);
}
