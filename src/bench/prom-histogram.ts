/**
 * Quantiles of one Prometheus histogram between two scrapes: the bench reads the gateway's
 * pacer_gateway_processing_seconds before and after a phase and reports what happened in it.
 */
export type Buckets = Map<number, number>;

/** Cumulative bucket counts by upper bound (le, seconds; +Inf as Infinity) of an unlabeled histogram. */
export function parseHistogram(text: string, name: string): Buckets {
  const out: Buckets = new Map();
  const re = new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\S+)$`, 'gm');
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const le = m[1] === '+Inf' ? Infinity : Number(m[1]);
    out.set(le, Number(m[2]));
  }
  return out;
}

/**
 * The upper bound of the bucket holding quantile `q` of the observations made between `before`
 * and `after` (an upper estimate at the buckets' resolution); null with no observations.
 */
export function quantileBetween(before: Buckets, after: Buckets, q: number): number | null {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const total = (after.get(Infinity) ?? 0) - (before.get(Infinity) ?? 0);
  if (total <= 0) return null;
  const rank = q * total;
  for (const le of bounds) {
    if ((after.get(le) ?? 0) - (before.get(le) ?? 0) >= rank) return le;
  }
  return Infinity;
}
