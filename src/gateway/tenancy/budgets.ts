/**
 * Per-tenant budgets behind a small port: the memory store keeps one BudgetState per tenant in
 * this process; a shared (Redis) store can implement the same interface later.
 */
import {
  budgetView,
  chargeBudget,
  dayOf,
  emptyBudget,
  monthOf,
  rollover,
  settleBudget,
} from '../../core/tenancy/index.js';
import type { BudgetDecision, BudgetState, TenantPlan } from '../../core/tenancy/index.js';

export type BudgetView = ReturnType<typeof budgetView>;

export interface BudgetStore {
  readonly kind: 'memory';
  /** Admits `tokens` (the estimate) for one request or says which budget stops it. */
  charge(tenant: string, plan: TenantPlan, tokens: number, now: number): BudgetDecision;
  /** Real usage is known: correct the tokens by `deltaTokens` and add the dollars. */
  settle(tenant: string, plan: TenantPlan, deltaTokens: number, usd: number, now: number): void;
  view(tenant: string, plan: TenantPlan, now: number): BudgetView;
  /** Dollars already spent today / this month (from the ledger at start), so a restart keeps them. */
  seedSpend(tenant: string, dayUsd: number, monthUsd: number, now: number): void;
  /** The current state of every tenant seen so far (rolled over to `now`). */
  states(now: number): Map<string, BudgetState>;
}

export function createMemoryBudgets(): BudgetStore {
  const byTenant = new Map<string, BudgetState>();
  return {
    kind: 'memory',
    charge(tenant, plan, tokens, now) {
      const d = chargeBudget(byTenant.get(tenant), now, tokens, plan);
      if (d.ok) byTenant.set(tenant, d.state);
      return d;
    },
    settle(tenant, plan, deltaTokens, usd, now) {
      if (deltaTokens === 0 && usd === 0) return;
      byTenant.set(tenant, settleBudget(byTenant.get(tenant), now, deltaTokens, usd, plan));
    },
    view: (tenant, plan, now) => budgetView(byTenant.get(tenant), now, plan),
    seedSpend(tenant, dayUsd, monthUsd, now) {
      const s = rollover(byTenant.get(tenant) ?? emptyBudget(now), now);
      byTenant.set(tenant, {
        ...s,
        day: dayOf(now),
        month: monthOf(now),
        dayUsd: s.dayUsd + dayUsd,
        monthUsd: s.monthUsd + monthUsd,
      });
    },
    states(now) {
      const out = new Map<string, BudgetState>();
      for (const [t, s] of byTenant) out.set(t, rollover(s, now));
      return out;
    },
  };
}

/** Start of the UTC day and month containing `now` (for ledger spend queries). */
export function periodStarts(now: number): { day: number; month: number } {
  const d = new Date(now);
  return {
    day: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()),
    month: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1),
  };
}
