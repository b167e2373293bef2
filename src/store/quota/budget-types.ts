import type { BudgetDecision, BudgetState, TenantPlan } from '../../core/tenancy/index.js';

/**
 * Tenant budgets that gateway instances share (the port of src/core/tenancy/budget.ts). Memory
 * (one process, the reference and the degraded fallback) and Redis (lua/budget-*.lua) implement it.
 * Every answer carries the store's own clock (Redis TIME), so callers can re-stamp bucket times.
 */
export interface BudgetSnapshot {
  /** The tenant's state after the step; undefined when none is stored. Times on the store's clock. */
  state: BudgetState | undefined;
  /** The store's clock at the step. */
  now: number;
  /** Share of the minute budgets in force: 1, or 1/N while degraded. */
  share: number;
}

export interface BudgetCharge extends BudgetSnapshot {
  decision: BudgetDecision;
}

export interface TenantBudgetStore {
  /** chargeBudget: admits `tokens` (the estimate) for one request or says which budget stops it. */
  chargeBudget(tenant: string, plan: TenantPlan, tokens: number): Promise<BudgetCharge>;
  /** settleBudget: corrects the tokens by `deltaTokens` and adds the dollars. */
  settleBudget(tenant: string, plan: TenantPlan, deltaTokens: number, usd: number): Promise<BudgetSnapshot>;
  /** The state rolled over to the store's now, read only. */
  readBudget(tenant: string): Promise<BudgetSnapshot>;
  /** Dollars spent before (from the ledger), applied only when the store holds no current month. */
  seedBudget(tenant: string, dayUsd: number, monthUsd: number): Promise<boolean>;
  /** Adds usage counted elsewhere (a degraded spell) to the day and month it belongs to. */
  mergeBudget(tenant: string, usage: BudgetUsage): Promise<void>;
}

/** Calendar usage to add: counters of `day` and of `month` (a BudgetState without its buckets). */
export type BudgetUsage = Omit<BudgetState, 'rpm' | 'tpm'>;

/** Idle tenants expire: a month of dollars plus a few days. */
export const BUDGET_TTL_MS = 35 * 86_400_000;
