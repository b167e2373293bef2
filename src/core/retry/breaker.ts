/**
 * Circuit breaker per pool: `threshold` consecutive failures (5xx, timeouts, network errors) open
 * it for `cooldownMs`; then half_open lets exactly one probe through; the probe's success closes
 * it, its failure opens it again.
 */
export type BreakerMode = 'closed' | 'open' | 'half_open';

export interface BreakerPolicy {
  threshold: number;
  cooldownMs: number;
}

export interface BreakerState {
  mode: BreakerMode;
  failures: number;
  openUntil: number;
  probeInFlight: boolean;
}

export const DEFAULT_BREAKER: BreakerPolicy = { threshold: 5, cooldownMs: 10_000 };

export function initialBreaker(): BreakerState {
  return { mode: 'closed', failures: 0, openUntil: 0, probeInFlight: false };
}

/** The mode at `now` (open turns half_open once the cooldown is over). */
export function breakerMode(state: BreakerState, now: number): BreakerMode {
  return state.mode === 'open' && now >= state.openUntil ? 'half_open' : state.mode;
}

/** May one more attempt go out now? In half_open the one allowed attempt becomes the probe. */
export function breakerAdmit(
  state: BreakerState,
  now: number,
): { allowed: boolean; state: BreakerState; retryAfterMs: number } {
  const mode = breakerMode(state, now);
  if (mode === 'closed') return { allowed: true, state, retryAfterMs: 0 };
  if (mode === 'open') return { allowed: false, state, retryAfterMs: state.openUntil - now };
  if (state.probeInFlight) return { allowed: false, state: { ...state, mode }, retryAfterMs: 0 };
  return { allowed: true, state: { ...state, mode: 'half_open', probeInFlight: true }, retryAfterMs: 0 };
}

export function isBreakerFailure(status: number): boolean {
  return status === 0 || status >= 500;
}

export function breakerRecord(
  state: BreakerState,
  now: number,
  status: number,
  policy: BreakerPolicy,
): BreakerState {
  const failed = isBreakerFailure(status);
  const mode = breakerMode(state, now);
  if (!failed)
    return mode === 'open' ? state : { mode: 'closed', failures: 0, openUntil: 0, probeInFlight: false };
  if (mode === 'half_open')
    return {
      mode: 'open',
      failures: state.failures + 1,
      openUntil: now + policy.cooldownMs,
      probeInFlight: false,
    };
  if (mode === 'open') return state;
  const failures = state.failures + 1;
  if (failures >= policy.threshold)
    return { mode: 'open', failures, openUntil: now + policy.cooldownMs, probeInFlight: false };
  return { ...state, failures };
}

/** The probe never reached the upstream (cancelled): let another one try. */
export function breakerReleaseProbe(state: BreakerState): BreakerState {
  return state.probeInFlight ? { ...state, probeInFlight: false } : state;
}
