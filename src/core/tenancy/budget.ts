import { levelAt, type BucketPolicy, type BucketState } from '../limiter/bucket.js';
import type { TenantPlan } from './plan.js';

/**
 * Per-tenant budgets as a pure step function: per-minute buckets (requests, tokens) with a burst
 * tolerance, and calendar counters per UTC day (requests, tokens, dollars) and month (dollars).
 * Over a minute budget the answer is "wait" (429 rate_limit_exceeded with when it refills); over a
 * day or dollar budget it is "quota" (429 insufficient_quota, until the period rolls over).
 */
export interface BudgetState {
  rpm?: BucketState;
  tpm?: BucketState;
  day: string;
  dayRequests: number;
  dayTokens: number;
  dayUsd: number;
  month: string;
  monthUsd: number;
}

export type BudgetDecision =
  | { ok: true; state: BudgetState }
  | {
      ok: false;
      kind: 'rate';
      dimension: 'requests' | 'tokens';
      retryAfterMs: number;
      limit: number;
      message: string;
      state: BudgetState;
    }
  | {
      ok: false;
      kind: 'quota';
      dimension: 'requests_per_day' | 'tokens_per_day' | 'usd_per_day' | 'usd_per_month';
      retryAfterMs: number;
      message: string;
      state: BudgetState;
    };

const MINUTE = 60_000;
const DAY = 86_400_000;

export function dayOf(now: number): string {
  return new Date(now).toISOString().slice(0, 10);
}

export function monthOf(now: number): string {
  return new Date(now).toISOString().slice(0, 7);
}

function msToNextDay(now: number): number {
  return DAY - (now % DAY);
}

function msToNextMonth(now: number): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - now;
}

/**
 * The minute bucket of a limit. `share` < 1 scales the burst and the refill (not the limit, so no
 * cost turns "too large"): an instance that lost the shared store paces on its 1/N of the fleet's.
 */
export function minutePolicy(limit: number, burst = 1, share = 1): BucketPolicy {
  const rate = limit / MINUTE;
  const capacity = Math.max(1, limit * Math.min(1, Math.max(burst, 0)));
  return share === 1 ? { limit, capacity, rate } : { limit, capacity: capacity * share, rate: rate * share };
}

export type BudgetRefusal = Exclude<BudgetDecision, { ok: true }>['dimension'];

/** The refusal's message, shared by the pure step and the Redis port so both say the same. */
export function refusalMessage(
  dimension: BudgetRefusal,
  plan: TenantPlan,
  tokens: number,
  dayTokens: number,
  tooLarge = false,
): string {
  switch (dimension) {
    case 'usd_per_month':
      return `Monthly budget of $${plan.usdPerMonth} is spent`;
    case 'usd_per_day':
      return `Daily budget of $${plan.usdPerDay} is spent`;
    case 'requests_per_day':
      return `Daily budget of ${plan.requestsPerDay} requests is spent`;
    case 'tokens_per_day':
      return `Daily budget of ${plan.tokensPerDay} tokens would be exceeded (used ${Math.ceil(dayTokens)}, requested ${tokens})`;
    default: {
      const limit = dimension === 'requests' ? plan.rpm : plan.tpm;
      const cost = dimension === 'requests' ? 1 : tokens;
      return tooLarge
        ? `Request of ${cost} ${dimension} is larger than the per-minute budget of ${limit}`
        : `Per-minute budget of ${limit} ${dimension} is spent (requested ${cost})`;
    }
  }
}

/** Ms to the next UTC midnight and the next UTC first of the month (quota retry-after). */
export function msToNextPeriod(dimension: BudgetRefusal, now: number): number {
  return dimension === 'usd_per_month' ? msToNextMonth(now) : msToNextDay(now);
}

export function emptyBudget(now: number): BudgetState {
  return { day: dayOf(now), dayRequests: 0, dayTokens: 0, dayUsd: 0, month: monthOf(now), monthUsd: 0 };
}

/** Rolls the calendar counters over when the day or month changed. */
export function rollover(state: BudgetState, now: number): BudgetState {
  const day = dayOf(now);
  const month = monthOf(now);
  if (day === state.day && month === state.month) return state;
  return {
    ...state,
    day,
    dayRequests: day === state.day ? state.dayRequests : 0,
    dayTokens: day === state.day ? state.dayTokens : 0,
    dayUsd: day === state.day ? state.dayUsd : 0,
    month,
    monthUsd: month === state.month ? state.monthUsd : 0,
  };
}

/** Admits `tokens` (estimate) for one request, or says which budget stops it and until when. */
export function chargeBudget(
  prev: BudgetState | undefined,
  now: number,
  tokens: number,
  plan: TenantPlan,
  share = 1,
): BudgetDecision {
  const state = rollover(prev ?? emptyBudget(now), now);
  if (plan.usdPerMonth !== undefined && state.monthUsd >= plan.usdPerMonth)
    return refuseQuota(state, 'usd_per_month', now, plan, tokens);
  if (plan.usdPerDay !== undefined && state.dayUsd >= plan.usdPerDay)
    return refuseQuota(state, 'usd_per_day', now, plan, tokens);
  if (plan.requestsPerDay !== undefined && state.dayRequests + 1 > plan.requestsPerDay)
    return refuseQuota(state, 'requests_per_day', now, plan, tokens);
  if (plan.tokensPerDay !== undefined && state.dayTokens + tokens > plan.tokensPerDay)
    return refuseQuota(state, 'tokens_per_day', now, plan, tokens);

  const next: BudgetState = { ...state };
  for (const [dim, limit, cost] of [
    ['requests', plan.rpm, 1],
    ['tokens', plan.tpm, tokens],
  ] as const) {
    if (limit === undefined) continue;
    const policy = minutePolicy(limit, plan.burst, share);
    const key = dim === 'requests' ? 'rpm' : 'tpm';
    const bucket = state[key];
    const level = bucket ? levelAt(bucket, now, policy) : policy.capacity;
    if (cost > limit)
      return {
        ok: false,
        kind: 'rate',
        dimension: dim,
        retryAfterMs: Infinity,
        limit,
        state,
        message: refusalMessage(dim, plan, tokens, state.dayTokens, true),
      };
    const need = Math.min(cost, policy.capacity);
    if (level < need) {
      const wait = Math.ceil((need - level) / policy.rate);
      return {
        ok: false,
        kind: 'rate',
        dimension: dim,
        retryAfterMs: wait,
        limit,
        state,
        message: refusalMessage(dim, plan, tokens, state.dayTokens),
      };
    }
    next[key] = { level: level - cost, at: now };
  }
  next.dayRequests = state.dayRequests + 1;
  next.dayTokens = state.dayTokens + tokens;
  return { ok: true, state: next };
}

/** Real usage arrived: correct the token charge by `deltaTokens` and add the dollars spent. */
export function settleBudget(
  prev: BudgetState | undefined,
  now: number,
  deltaTokens: number,
  usd: number,
  plan: TenantPlan,
  share = 1,
): BudgetState {
  const state = rollover(prev ?? emptyBudget(now), now);
  const next: BudgetState = {
    ...state,
    dayTokens: Math.max(0, state.dayTokens + deltaTokens),
    dayUsd: state.dayUsd + usd,
    monthUsd: state.monthUsd + usd,
  };
  if (plan.tpm !== undefined && state.tpm) {
    const policy = minutePolicy(plan.tpm, plan.burst, share);
    const level = levelAt(state.tpm, now, policy) - deltaTokens;
    next.tpm = { level: Math.min(policy.capacity, level), at: now };
  }
  return next;
}

/** The tenant's own view for x-ratelimit-* headers. */
export function budgetView(state: BudgetState | undefined, now: number, plan: TenantPlan, share = 1) {
  const view = (limit: number | undefined, bucket: BucketState | undefined) => {
    if (limit === undefined) return undefined;
    const policy = minutePolicy(limit, plan.burst, share);
    const level = bucket ? levelAt(bucket, now, policy) : policy.capacity;
    const remaining = Math.max(0, Math.floor(level));
    return { limit, remaining, resetMs: Math.max(0, (policy.capacity - level) / policy.rate) };
  };
  return { requests: view(plan.rpm, state?.rpm), tokens: view(plan.tpm, state?.tpm) };
}

function refuseQuota(
  state: BudgetState,
  dimension: Extract<BudgetDecision, { kind: 'quota' }>['dimension'],
  now: number,
  plan: TenantPlan,
  tokens: number,
): BudgetDecision {
  return {
    ok: false,
    kind: 'quota',
    dimension,
    retryAfterMs: msToNextPeriod(dimension, now),
    message: refusalMessage(dimension, plan, tokens, state.dayTokens),
    state,
  };
}
