/**
 * Per-tenant budgets behind a small port: the memory store keeps one BudgetState per tenant in
 * this process and answers synchronously; the shared store (./shared-budgets.ts, Redis) answers
 * with Promises. Callers test with isPromise so the memory path costs no microtask.
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
import type { Clock } from '../../core/clock.js';
import type { MaybePromise } from '../../engine/store.js';
import type { TenantBudgetStore } from '../../store/quota/index.js';
import { createSharedBudgets } from './shared-budgets.js';

export type BudgetView = ReturnType<typeof budgetView>;

export interface BudgetStore {
  readonly kind: 'memory' | 'redis';
  /** Admits `tokens` (the estimate) for one request or says which budget stops it. */
  charge(tenant: string, plan: TenantPlan, tokens: number, now: number): MaybePromise<BudgetDecision>;
  /** Real usage is known: correct the tokens by `deltaTokens` and add the dollars. Never rejects. */
  settle(tenant: string, plan: TenantPlan, deltaTokens: number, usd: number, now: number): MaybePromise<void>;
  /** The minute budgets for x-ratelimit-* (shared store: as of its last answer, refilled to `now`). */
  view(tenant: string, plan: TenantPlan, now: number): BudgetView;
  /**
   * Dollars already spent today / this month (from the ledger at start), so a restart keeps them.
   * The shared store applies them only while it holds no current month for the tenant.
   */
  seedSpend(tenant: string, dayUsd: number, monthUsd: number, now: number): MaybePromise<void>;
  /** The current state of every tenant seen so far and of `tenants` (rolled over to `now`). */
  states(now: number, tenants?: Iterable<string>): MaybePromise<Map<string, BudgetState>>;
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

/** The gateway's budgets: shared through the fleet's store when there is one (redis_url), else memory. */
export function createGatewayBudgets(shared: TenantBudgetStore | undefined, clock: Clock): BudgetStore {
  return shared ? createSharedBudgets(shared, clock) : createMemoryBudgets();
}

/** Start of the UTC day and month containing `now` (for ledger spend queries). */
export function periodStarts(now: number): { day: number; month: number } {
  const d = new Date(now);
  return {
    day: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()),
    month: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1),
  };
}
