/** Latency summary used throughout the report. */
export interface Summary {
  count: number;
  mean: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

/**
 * Percentile of an ascending-sorted array with linear interpolation between closest ranks
 * (the "R-7" definition numpy and spreadsheets use); p in [0, 100].
 */
export function percentile(sorted: readonly number[], p: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const rank = (Math.min(100, Math.max(0, p)) / 100) * (n - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (rank - lo);
}

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) return { count: 0, mean: null, p50: null, p95: null, p99: null, max: null };
  const sorted = [...values].sort((x, y) => x - y);
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    count: sorted.length,
    mean: sum / sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] as number,
  };
}

/** Empirical CDF reduced to at most `points` [value, fraction] pairs, for plots. */
export function cdfPoints(values: readonly number[], points = 100): [number, number][] {
  const n = values.length;
  if (n === 0) return [];
  const sorted = [...values].sort((x, y) => x - y);
  const out: [number, number][] = [];
  const step = Math.max(1, Math.floor(n / points));
  for (let i = step - 1; i < n; i += step) out.push([sorted[i] as number, (i + 1) / n]);
  if (out[out.length - 1]?.[1] !== 1) out.push([sorted[n - 1] as number, 1]);
  return out;
}

/** Jain's fairness index of per-tenant allocations normalized by weight: 1 = perfectly fair. */
export function jainIndex(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let sum = 0;
  let sumSq = 0;
  for (const v of values) {
    sum += v;
    sumSq += v * v;
  }
  return sumSq === 0 ? null : (sum * sum) / (values.length * sumSq);
}
