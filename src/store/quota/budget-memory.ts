import type { Clock } from '../../core/clock.js';
import {
  chargeBudget,
  emptyBudget,
  monthOf,
  rollover,
  settleBudget,
  type BudgetState,
  type TenantPlan,
} from '../../core/tenancy/index.js';
import type { BudgetCharge, BudgetSnapshot, BudgetUsage, TenantBudgetStore } from './budget-types.js';

/** The memory store's budgets: the pure steps over a Map, with an optional 1/N share of the minute budgets. */
export interface MemoryBudgets extends TenantBudgetStore {
  chargeBudget(tenant: string, plan: TenantPlan, tokens: number, share?: number): Promise<BudgetCharge>;
  settleBudget(
    tenant: string,
    plan: TenantPlan,
    deltaTokens: number,
    usd: number,
    share?: number,
  ): Promise<BudgetSnapshot>;
  /** Starts a tenant from calendar counters known elsewhere (the last shared answer); no-op if present. */
  primeBudget(tenant: string, counters: BudgetState): void;
  /** Usage counted here since each tenant was primed (for merging back into the shared store). */
  budgetUsage(): Map<string, BudgetUsage>;
}

const counters = (s: BudgetState): BudgetState => ({
  day: s.day,
  dayRequests: s.dayRequests,
  dayTokens: s.dayTokens,
  dayUsd: s.dayUsd,
  month: s.month,
  monthUsd: s.monthUsd,
});

export function createMemoryBudgetSteps(clock: Clock): MemoryBudgets {
  const byTenant = new Map<string, BudgetState>();
  const primed = new Map<string, BudgetState>();
  return {
    async chargeBudget(tenant, plan, tokens, share = 1) {
      const now = clock.now();
      const decision = chargeBudget(byTenant.get(tenant), now, tokens, plan, share);
      if (decision.ok) byTenant.set(tenant, decision.state);
      return { decision, state: decision.state, now, share };
    },
    async settleBudget(tenant, plan, deltaTokens, usd, share = 1) {
      const now = clock.now();
      const state = settleBudget(byTenant.get(tenant), now, deltaTokens, usd, plan, share);
      byTenant.set(tenant, state);
      return { state, now, share };
    },
    async readBudget(tenant) {
      const now = clock.now();
      const s = byTenant.get(tenant);
      return { state: s && rollover(s, now), now, share: 1 };
    },
    async seedBudget(tenant, dayUsd, monthUsd) {
      const now = clock.now();
      const s = byTenant.get(tenant);
      if (s && s.month === monthOf(now)) return false;
      const r = rollover(s ?? emptyBudget(now), now);
      byTenant.set(tenant, { ...r, dayUsd: r.dayUsd + dayUsd, monthUsd: r.monthUsd + monthUsd });
      return true;
    },
    async mergeBudget(tenant, u) {
      const now = clock.now();
      const s = rollover(byTenant.get(tenant) ?? emptyBudget(now), now);
      const sameDay = u.day === s.day;
      byTenant.set(tenant, {
        ...s,
        dayRequests: s.dayRequests + (sameDay ? u.dayRequests : 0),
        dayTokens: s.dayTokens + (sameDay ? u.dayTokens : 0),
        dayUsd: s.dayUsd + (sameDay ? u.dayUsd : 0),
        monthUsd: s.monthUsd + (u.month === s.month ? u.monthUsd : 0),
      });
    },
    primeBudget(tenant, known) {
      if (byTenant.has(tenant)) return;
      byTenant.set(tenant, counters(known));
      primed.set(tenant, counters(known));
    },
    budgetUsage() {
      const out = new Map<string, BudgetUsage>();
      for (const [tenant, s] of byTenant) {
        const base = primed.get(tenant);
        const day = base?.day === s.day ? base : undefined;
        const month = base?.month === s.month ? base : undefined;
        out.set(tenant, {
          day: s.day,
          dayRequests: s.dayRequests - (day?.dayRequests ?? 0),
          dayTokens: s.dayTokens - (day?.dayTokens ?? 0),
          dayUsd: s.dayUsd - (day?.dayUsd ?? 0),
          month: s.month,
          monthUsd: s.monthUsd - (month?.monthUsd ?? 0),
        });
      }
      return out;
    },
  };
}
