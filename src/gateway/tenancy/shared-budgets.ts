/**
 * Budgets shared by a fleet: every charge and settlement is one atomic step in the shared store
 * (Redis budget-*.lua through the degradable store), so N gateways together admit a tenant's budget
 * once. Each answer carries the tenant's state, kept here per tenant, so the x-ratelimit-* view
 * needs no extra round trip.
 */
import type { Clock } from '../../core/clock.js';
import { budgetView, type BudgetState } from '../../core/tenancy/index.js';
import type { BudgetSnapshot, TenantBudgetStore } from '../../store/quota/index.js';
import type { BudgetStore } from './budgets.js';

/** Moves bucket times from the store's clock to ours (`by` = our now - the store's now). */
function shift(s: BudgetState, by: number): BudgetState {
  if (by === 0 || (!s.rpm && !s.tpm)) return s;
  const out = { ...s };
  if (s.rpm) out.rpm = { level: s.rpm.level, at: s.rpm.at + by };
  if (s.tpm) out.tpm = { level: s.tpm.level, at: s.tpm.at + by };
  return out;
}

export function createSharedBudgets(store: TenantBudgetStore, clock: Clock): BudgetStore {
  const last = new Map<string, { state: BudgetState | undefined; share: number }>();
  const remember = (tenant: string, r: BudgetSnapshot): BudgetState | undefined => {
    const state = r.state && shift(r.state, clock.now() - r.now);
    last.set(tenant, { state, share: r.share });
    return state;
  };
  return {
    kind: 'redis',
    async charge(tenant, plan, tokens) {
      const r = await store.chargeBudget(tenant, plan, tokens);
      const state = remember(tenant, r) ?? r.decision.state;
      return { ...r.decision, state };
    },
    settle(tenant, plan, deltaTokens, usd) {
      if (deltaTokens === 0 && usd === 0) return;
      return store.settleBudget(tenant, plan, deltaTokens, usd).then(
        (r) => void remember(tenant, r),
        () => undefined,
      );
    },
    view(tenant, plan, now) {
      const l = last.get(tenant);
      return budgetView(l?.state, now, plan, l?.share ?? 1);
    },
    async seedSpend(tenant, dayUsd, monthUsd) {
      await store.seedBudget(tenant, dayUsd, monthUsd);
    },
    async states(now, tenants = []) {
      const out = new Map<string, BudgetState>();
      const names = [...new Set([...last.keys(), ...tenants])].sort();
      const read = await Promise.all(names.map((t) => store.readBudget(t).catch(() => undefined)));
      read.forEach((r, i) => {
        if (r?.state) out.set(names[i]!, shift(r.state, now - r.now));
      });
      return out;
    },
  };
}
