import type { Rng } from '../clock.js';

export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 250, capMs: 8000 };

/** Full jitter: uniform in [0, min(cap, base * 2^(attempt-1))). `attempt` is 1-based. */
export function backoffMs(attempt: number, rng: Rng, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  const exp = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, Math.min(attempt - 1, 30)));
  return rng.next() * exp;
}
