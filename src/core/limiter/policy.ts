import type { BucketPolicy } from './bucket.js';

/** Which limit a bucket enforces: requests or tokens, per minute or per day. */
export type Dimension = 'rpm' | 'tpm' | 'rpd' | 'tpd';
export const DIMENSIONS: readonly Dimension[] = ['rpm', 'tpm', 'rpd', 'tpd'];

export type Limits = Partial<Record<Dimension, number>>;

export interface PacingKnobs {
  /** Fraction of each limit kept unused (0.02 = 2 %). */
  headroom: number;
  /** Longest burst, in seconds of the per-minute rate. */
  burstSeconds: number;
  /** 10 = a "minute" lasts 6 s. */
  timeScale: number;
}

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

export interface DimensionPolicy {
  dim: Dimension;
  unit: 'requests' | 'tokens';
  policy: BucketPolicy;
}

export function unitOf(dim: Dimension): 'requests' | 'tokens' {
  return dim === 'rpm' || dim === 'rpd' ? 'requests' : 'tokens';
}

/**
 * rate = limit * (1 - headroom) / window. Per-minute buckets hold at most burstSeconds of that
 * rate (sub-minute smoothing: the upstream enforces slices of the minute); daily buckets hold the
 * day's allowance, the minute buckets already smooth them. Requests per minute may be enforced
 * per 1/60 slice ("60,000 RPM as 1,000 requests/second", at most ceil(rpm/60) a slice): the
 * request burst is kept small enough that no slice can see more (admitted in a slice <=
 * rate*slice + max(capacity, 1) < ceil(rpm/60) + 1, and counts are whole).
 */
export function policyFor(dim: Dimension, limit: number, knobs: PacingKnobs): BucketPolicy {
  const scale = knobs.timeScale > 0 ? knobs.timeScale : 1;
  const daily = dim === 'rpd' || dim === 'tpd';
  const windowMs = (daily ? DAY_MS : MINUTE_MS) / scale;
  const rate = (limit * (1 - knobs.headroom)) / windowMs;
  const burstMs = daily ? windowMs : (knobs.burstSeconds * 1000) / scale;
  let capacity = Math.min(limit, rate * burstMs);
  if (dim === 'rpm') {
    const perSlice = (limit * (1 - knobs.headroom)) / 60;
    // All of the slack: a bucket that sits full wastes refill whenever the timer fires late.
    capacity = Math.min(capacity, Math.max(0, Math.ceil(limit / 60) + 1 - perSlice - 1e-6));
  }
  return { limit, capacity, rate };
}

/** The buckets of a pool, in a fixed order; limits left out are not enforced. */
export function policiesFor(limits: Limits, knobs: PacingKnobs): DimensionPolicy[] {
  const out: DimensionPolicy[] = [];
  for (const dim of DIMENSIONS) {
    const limit = limits[dim];
    if (limit !== undefined && limit > 0 && Number.isFinite(limit))
      out.push({ dim, unit: unitOf(dim), policy: policyFor(dim, limit, knobs) });
  }
  return out;
}
