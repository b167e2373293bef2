import { describe, expect, it } from 'vitest';
import {
  budgetView,
  chargeBudget,
  settleBudget,
  type BudgetState,
} from '../../../src/core/tenancy/budget.js';
import { allowsModel, type TenantPlan } from '../../../src/core/tenancy/plan.js';

const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);

function run(plan: TenantPlan, steps: { at: number; tokens: number }[]) {
  let state: BudgetState | undefined;
  return steps.map(({ at, tokens }) => {
    const d = chargeBudget(state, at, tokens, plan);
    state = d.state;
    return d;
  });
}

describe('tenant budgets', () => {
  it('admits up to the per-minute request budget, then says when it refills', () => {
    const plan: TenantPlan = { rpm: 60, weight: 1 };
    const out = run(
      plan,
      Array.from({ length: 61 }, () => ({ at: T0, tokens: 1 })),
    );
    expect(out.slice(0, 60).every((d) => d.ok)).toBe(true);
    const last = out[60]!;
    expect(last.ok).toBe(false);
    if (!last.ok) {
      expect(last.kind).toBe('rate');
      expect(last.retryAfterMs).toBe(1000); // 60 rpm = one request a second
    }
  });

  it('honours the burst tolerance: burst 0.25 lets a quarter of the minute go at once', () => {
    const plan: TenantPlan = { tpm: 4000, burst: 0.25, weight: 1 };
    const out = run(plan, [
      { at: T0, tokens: 1000 },
      { at: T0, tokens: 1 },
    ]);
    expect(out[0]!.ok).toBe(true);
    expect(out[1]!.ok).toBe(false);
  });

  it('refuses a request larger than the whole minute budget outright', () => {
    const d = chargeBudget(undefined, T0, 5000, { tpm: 4000, weight: 1 });
    expect(d.ok).toBe(false);
    if (!d.ok) expect(d.retryAfterMs).toBe(Infinity);
  });

  it('turns a spent daily token budget into insufficient_quota until midnight UTC', () => {
    const plan: TenantPlan = { tokensPerDay: 1000, weight: 1 };
    const out = run(plan, [
      { at: T0, tokens: 900 },
      { at: T0 + 1, tokens: 200 },
    ]);
    expect(out[1]!.ok).toBe(false);
    if (!out[1]!.ok) {
      expect(out[1]!.kind).toBe('quota');
      expect(out[1]!.retryAfterMs).toBe(12 * 3600_000 - 1);
    }
    // the next UTC day starts afresh
    expect(chargeBudget(out[1]!.state, Date.UTC(2026, 10, 26, 0, 0, 1), 200, plan).ok).toBe(true);
  });

  it('stops a tenant whose dollars for the day are spent, and settles usage corrections', () => {
    const plan: TenantPlan = { usdPerDay: 1, tpm: 10_000, tokensPerDay: 100_000, weight: 1 };
    let d = chargeBudget(undefined, T0, 500, plan);
    expect(d.ok).toBe(true);
    const settled = settleBudget(d.state, T0 + 10, -300, 1.2, plan);
    expect(settled.dayTokens).toBe(200);
    expect(settled.dayUsd).toBeCloseTo(1.2);
    d = chargeBudget(settled, T0 + 20, 10, plan);
    expect(d.ok).toBe(false);
    if (!d.ok) expect(d.dimension).toBe('usd_per_day');
  });

  it('stops a tenant whose month is spent until the first of next month', () => {
    const plan: TenantPlan = { usdPerMonth: 5, weight: 1 };
    const spent = settleBudget(undefined, T0, 0, 5, plan);
    const d = chargeBudget(spent, T0, 1, plan);
    expect(d.ok).toBe(false);
    if (!d.ok) expect(d.retryAfterMs).toBe(Date.UTC(2026, 11, 1) - T0);
  });

  it('reports the tenant its own remaining budget for x-ratelimit-* headers', () => {
    const plan: TenantPlan = { rpm: 10, tpm: 1000, weight: 1 };
    const d = chargeBudget(undefined, T0, 400, plan);
    const v = budgetView(d.state, T0, plan);
    expect(v.requests).toEqual({ limit: 10, remaining: 9, resetMs: 6000 });
    expect(v.tokens).toEqual({ limit: 1000, remaining: 600, resetMs: 24_000 });
  });

  it('allows a dated snapshot of an allowed alias, and nothing outside the list', () => {
    const plan: TenantPlan = { models: ['gpt-4o-mini'], weight: 1 };
    expect(allowsModel(plan, 'gpt-4o-mini')).toBe(true);
    expect(allowsModel(plan, 'gpt-4o-mini-2024-07-18')).toBe(true);
    expect(allowsModel(plan, 'gpt-4o')).toBe(false);
    expect(allowsModel({ weight: 1 }, 'o3')).toBe(true);
  });
});
