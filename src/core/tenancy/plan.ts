/** A tenant's plan: its own budgets, model allow-list and share of the upstream. */
export interface TenantPlan {
  /** Requests and tokens per minute (continuous buckets). */
  rpm?: number;
  tpm?: number;
  /** How much of a minute's budget may go at once: 1 = the whole minute (default), 0.25 = 15 s worth. */
  burst?: number;
  requestsPerDay?: number;
  tokensPerDay?: number;
  usdPerDay?: number;
  usdPerMonth?: number;
  /** Allowed models (aliases or snapshots); undefined = every model. */
  models?: readonly string[];
  /** Weighted fair share across tenants (default 1). */
  weight: number;
  /** Cap on the estimated tokens of one prompt; over it the request is refused with 413. */
  maxPromptTokens?: number;
}

/** Whether `model` is allowed; a dated snapshot is allowed when its alias is. */
export function allowsModel(plan: TenantPlan, model: string): boolean {
  if (!plan.models) return true;
  if (plan.models.includes(model)) return true;
  const undated = model.replace(/-\d{4}-\d{2}-\d{2}$/, '');
  return undated !== model && plan.models.includes(undated);
}
