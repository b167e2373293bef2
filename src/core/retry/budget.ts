/**
 * Retry budget as a token bucket: every first attempt deposits `ratio` credits, every retry
 * spends one, and a small floor refills over time so a quiet pool can still retry. Retries are
 * thereby bounded by ratio * requests + floorPerSec * seconds + the initial `maxCredit`.
 */
export interface BudgetPolicy {
  /** Credits per first attempt (0.1 = retries at most 10 % of requests). */
  ratio: number;
  /** Credits per second regardless of traffic. */
  floorPerSec: number;
  /** Most credits banked. */
  maxCredit: number;
}

export interface BudgetState {
  credit: number;
  at: number;
}

export const DEFAULT_BUDGET: BudgetPolicy = { ratio: 0.1, floorPerSec: 0.5, maxCredit: 10 };

export function initialBudget(policy: BudgetPolicy, now: number): BudgetState {
  return { credit: Math.min(policy.maxCredit, 3), at: now };
}

function refilled(state: BudgetState, now: number, policy: BudgetPolicy): BudgetState {
  const elapsed = now > state.at ? now - state.at : 0;
  return {
    credit: Math.min(policy.maxCredit, state.credit + (elapsed / 1000) * policy.floorPerSec),
    at: Math.max(now, state.at),
  };
}

export function depositRequest(state: BudgetState, now: number, policy: BudgetPolicy): BudgetState {
  const s = refilled(state, now, policy);
  return { credit: Math.min(policy.maxCredit, s.credit + policy.ratio), at: s.at };
}

/** Spends one credit when there is one. */
export function spendRetry(
  state: BudgetState,
  now: number,
  policy: BudgetPolicy,
): { allowed: boolean; state: BudgetState } {
  const s = refilled(state, now, policy);
  if (s.credit < 1) return { allowed: false, state: s };
  return { allowed: true, state: { credit: s.credit - 1, at: s.at } };
}
