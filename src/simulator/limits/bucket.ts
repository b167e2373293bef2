/**
 * A continuously refilling bucket: `limit` per `windowMs`, full when idle. Fractions are kept
 * (no rounding on refill) and the level may go below zero only through settlement debt.
 */
export interface Bucket {
  readonly limit: number;
  readonly windowMs: number;
  level: number;
  at: number;
}

export function createBucket(limit: number, windowMs: number, now: number): Bucket {
  return { limit, windowMs, level: limit, at: now };
}

export function refill(b: Bucket, now: number): void {
  if (now <= b.at) return;
  b.level = Math.min(b.limit, b.level + ((now - b.at) * b.limit) / b.windowMs);
  b.at = now;
}

/** Milliseconds until the bucket holds `amount` (0 when it already does). */
export function waitFor(b: Bucket, amount: number): number {
  const missing = amount - b.level;
  return missing <= 0 ? 0 : (missing * b.windowMs) / b.limit;
}

export function remaining(b: Bucket): number {
  return Math.max(0, Math.floor(b.level));
}

/** As OpenAI reports it: time until full, (limit - remaining) * window / limit. */
export function resetMs(b: Bucket): number {
  return ((b.limit - remaining(b)) * b.windowMs) / b.limit;
}
