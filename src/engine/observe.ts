import { applyObservation } from '../core/adapt/learn.js';
import { breakerMode, breakerRecord } from '../core/retry/breaker.js';
import { levelAt } from '../core/limiter/bucket.js';
import { dispatchedSince, rebuildPolicies, type PoolRuntime } from './pool.js';
import type { EngineSettings } from './settings.js';
import type { UpstreamObservation } from './types.js';

export interface ObserveOutcome {
  /** The breaker just opened: shed everyone waiting. */
  breakerOpened: boolean;
  /** The learned limits changed (to share with the fleet). */
  limitsChanged: boolean;
  /** Lower the buckets to these (the upstream's view, minus what it had not seen yet). */
  ceilings: { requests?: number; tokens?: number } | null;
}

/** What one upstream answer changes in a pool: learned limits, pause, breaker, bucket ceilings. */
export function observePool(
  pool: PoolRuntime,
  obs: UpstreamObservation,
  now: number,
  s: EngineSettings,
): ObserveOutcome {
  const out = applyObservation(pool.adapt, obs, now, s.timeScale);
  pool.adapt = out.state;
  if (out.limitsChanged) rebuildPolicies(pool, s.knobs);
  const before = breakerMode(pool.breaker, now);
  pool.breaker = breakerRecord(pool.breaker, now, obs.status, s.breaker);
  const breakerOpened = before !== 'open' && pool.breaker.mode === 'open';
  if (!out.ceilings) return { breakerOpened, limitsChanged: out.limitsChanged, ceilings: null };

  // The upstream had not seen what we sent after this request: discount it, within reason
  // (never below minus one burst, so a stale view cannot stall the pool for long).
  const unseen = dispatchedSince(pool, obs.sentAt);
  const c: { requests?: number; tokens?: number } = {};
  for (const p of pool.policies) {
    const floor = -p.policy.capacity;
    if (p.dim === 'rpm' && out.ceilings.requests !== undefined) {
      c.requests = Math.max(floor, out.ceilings.requests - unseen.requests);
    }
    if (p.dim === 'tpm' && out.ceilings.tokens !== undefined) {
      c.tokens = Math.max(floor, out.ceilings.tokens - unseen.tokens);
    }
  }
  detectKeptReservations(pool, now, c.tokens, obs);
  return { breakerOpened, limitsChanged: out.limitsChanged, ceilings: c };
}

/**
 * Our refunds are only real if the upstream settles too. Evidence that it does not: a token
 * 429, or a successful answer showing the upstream holding clearly less than we think is free.
 * Three times, and this pool stops refunding.
 */
function detectKeptReservations(
  pool: PoolRuntime,
  now: number,
  ceiling: number | undefined,
  obs: UpstreamObservation,
): void {
  if (!pool.refunds) return;
  let evidence = obs.status === 429 && obs.rateLimitType === 'tokens';
  const i = pool.policies.findIndex((p) => p.dim === 'tpm');
  if (!evidence && i >= 0 && ceiling !== undefined && obs.status >= 200 && obs.status < 300) {
    const p = pool.policies[i]!.policy;
    const state = pool.mirror[i];
    const level = state ? levelAt(state, now, p) : p.capacity;
    evidence = ceiling < level - 0.1 * p.capacity;
  }
  if (evidence && ++pool.refundEvidence >= 3) pool.refunds = false;
}
