/** Config plans -> the pure core's TenantPlan, built once at boot. */
import type { TenantPlan } from '../../core/tenancy/index.js';
import type { Priority } from '../../engine/types.js';
import type { GatewayConfig } from '../config.js';

export interface ResolvedPlan {
  name: string;
  plan: TenantPlan;
  /** Priority when the request sends no x-pacer-priority. */
  priority: Priority | undefined;
}

type PlanConfig = GatewayConfig['plans'][string];

export function toTenantPlan(p: PlanConfig): TenantPlan {
  const plan: TenantPlan = { weight: p.weight, burst: p.burst };
  if (p.rpm !== undefined) plan.rpm = p.rpm;
  if (p.tpm !== undefined) plan.tpm = p.tpm;
  if (p.requests_per_day !== undefined) plan.requestsPerDay = p.requests_per_day;
  if (p.tokens_per_day !== undefined) plan.tokensPerDay = p.tokens_per_day;
  if (p.usd_per_day !== undefined) plan.usdPerDay = p.usd_per_day;
  if (p.usd_per_month !== undefined) plan.usdPerMonth = p.usd_per_month;
  if (p.models !== undefined) plan.models = p.models;
  if (p.max_prompt_tokens !== undefined) plan.maxPromptTokens = p.max_prompt_tokens;
  return plan;
}

export function resolvePlans(config: GatewayConfig): Map<string, ResolvedPlan> {
  const out = new Map<string, ResolvedPlan>();
  for (const [name, p] of Object.entries(config.plans))
    out.set(name, { name, plan: toTenantPlan(p), priority: p.priority });
  return out;
}

/** Whether the plan has any budget worth charging (skips the budget step entirely otherwise). */
export function hasBudget(plan: TenantPlan): boolean {
  return (
    plan.rpm !== undefined ||
    plan.tpm !== undefined ||
    plan.requestsPerDay !== undefined ||
    plan.tokensPerDay !== undefined ||
    plan.usdPerDay !== undefined ||
    plan.usdPerMonth !== undefined
  );
}
