/**
 * The tenant's side of a request: plan checks (model, prompt cap) and budget charge before the
 * pacing engine, settlement with real usage after, and the tenant's own x-ratelimit-* view.
 */
import { PacerError } from '../../core/errors.js';
import { formatDuration } from '../../core/openai/duration.js';
import { allowsModel, type BudgetDecision } from '../../core/tenancy/index.js';
import { isPromise, type MaybePromise } from '../../engine/store.js';
import type { Principal } from '../auth.js';
import type { Backlog } from './backlog.js';
import { createBacklog } from './backlog.js';
import type { BudgetStore } from './budgets.js';
import { hasBudget } from './plans.js';

export interface Tenancy {
  budgets: BudgetStore;
  backlog: Backlog;
  /**
   * Throws the OpenAI-shaped refusal (403, 413, 429); returns the tokens charged to the budget.
   * A number when the budgets answered synchronously (memory), a Promise for the shared store.
   */
  admit(
    p: Principal,
    model: string,
    inputTokens: number,
    totalTokens: number,
    now: number,
  ): MaybePromise<number>;
  /** After the request: `actualTokens` null = nothing was used (refund the estimate). */
  settle(p: Principal, charged: number, actualTokens: number | null, usd: number, now: number): void;
  /** The tenant's own x-ratelimit-* headers, or undefined when its plan has no rpm/tpm. */
  rateHeaders(p: Principal, now: number): Record<string, string> | undefined;
}

export function createTenancy(budgets: BudgetStore, backlogThreshold = 0): Tenancy {
  const decide = (p: Principal, d: BudgetDecision, totalTokens: number, now: number): number => {
    if (d.ok) return totalTokens;
    const headers = tenancy.rateHeaders(p, now) ?? {};
    if (d.kind === 'quota') {
      throw new PacerError('PACER_INSUFFICIENT_QUOTA', `${d.message} for tenant ${p.tenant}.`, {
        retryAfterMs: d.retryAfterMs,
        headers,
      });
    }
    // Larger than a whole minute's budget: waiting never helps, so no retry-after.
    if (!Number.isFinite(d.retryAfterMs))
      throw new PacerError('PACER_REQUEST_TOO_LARGE', `${d.message} for tenant ${p.tenant}.`, { headers });
    throw new PacerError(
      'PACER_RATE_LIMITED',
      `${d.message} for tenant ${p.tenant}. Please try again later.`,
      {
        retryAfterMs: d.retryAfterMs,
        headers,
      },
    );
  };
  const tenancy: Tenancy = {
    budgets,
    backlog: createBacklog(backlogThreshold),
    admit(p, model, inputTokens, totalTokens, now) {
      const plan = p.plan?.plan;
      if (!plan) return 0;
      if (!allowsModel(plan, model)) {
        throw new PacerError(
          'PACER_MODEL_NOT_ALLOWED',
          `The model \`${model}\` is not allowed for tenant ${p.tenant}.`,
          { param: 'model' },
        );
      }
      if (plan.maxPromptTokens !== undefined && inputTokens > plan.maxPromptTokens) {
        throw new PacerError(
          'PACER_REQUEST_TOO_LARGE',
          `The prompt is estimated at ${inputTokens} tokens, over the plan's cap of ${plan.maxPromptTokens}.`,
          { param: 'messages' },
        );
      }
      if (!hasBudget(plan)) return 0;
      const d = budgets.charge(p.tenant, plan, totalTokens, now);
      return isPromise(d) ? d.then((r) => decide(p, r, totalTokens, now)) : decide(p, d, totalTokens, now);
    },
    settle(p, charged, actualTokens, usd, now) {
      const plan = p.plan?.plan;
      if (!plan || !hasBudget(plan)) return;
      const delta = charged === 0 ? 0 : (actualTokens ?? 0) - charged;
      // The shared store's Promise never rejects; nothing waits for it.
      void budgets.settle(p.tenant, plan, delta, usd, now);
    },
    rateHeaders(p, now) {
      const plan = p.plan?.plan;
      if (!plan || (plan.rpm === undefined && plan.tpm === undefined)) return undefined;
      const v = budgets.view(p.tenant, plan, now);
      const out: Record<string, string> = {};
      for (const [kind, view] of [
        ['requests', v.requests],
        ['tokens', v.tokens],
      ] as const) {
        if (!view) continue;
        out[`x-ratelimit-limit-${kind}`] = String(view.limit);
        out[`x-ratelimit-remaining-${kind}`] = String(view.remaining);
        out[`x-ratelimit-reset-${kind}`] = formatDuration(view.resetMs);
      }
      return out;
    },
  };
  return tenancy;
}
