import {
  refusalMessage,
  type BudgetDecision,
  type BudgetState,
  type TenantPlan,
} from '../../core/tenancy/index.js';
import {
  BUDGET_TTL_MS,
  type BudgetCharge,
  type BudgetSnapshot,
  type TenantBudgetStore,
} from './budget-types.js';
import type { QuotaKeys } from './keys.js';
import type { RunScript } from './scripts.js';

type Reply = [number, number, string, string, ...string[]];

const num = (s: string | undefined): number => (s === 'inf' ? Infinity : Number(s));
const opt = (n: number | undefined): number | string => (n === undefined ? '' : n);
const RATE_DIMS = ['requests', 'tokens'] as const;
const QUOTA_DIMS = ['usd_per_month', 'usd_per_day', 'requests_per_day', 'tokens_per_day'] as const;

/** The budget-*.lua reply fields 5..14 -> a BudgetState (undefined when the reply carries none). */
function stateOf(r: Reply): BudgetState | undefined {
  if (r.length < 14) return undefined;
  const s: BudgetState = {
    day: r[4]!,
    dayRequests: num(r[5]),
    dayTokens: num(r[6]),
    dayUsd: num(r[7]),
    month: r[8]!,
    monthUsd: num(r[9]),
  };
  if (r[10] !== '') s.rpm = { level: num(r[10]), at: num(r[11]) };
  if (r[12] !== '') s.tpm = { level: num(r[12]), at: num(r[13]) };
  return s;
}

function decisionOf(r: Reply, state: BudgetState, plan: TenantPlan, tokens: number): BudgetDecision {
  const [code, dim, retry] = r;
  if (code === 0) return { ok: true, state };
  const retryAfterMs = num(retry);
  if (code === 1) {
    const dimension = RATE_DIMS[dim - 1]!;
    const limit = (dimension === 'requests' ? plan.rpm : plan.tpm) ?? 0;
    const message = refusalMessage(dimension, plan, tokens, state.dayTokens, retryAfterMs === Infinity);
    return { ok: false, kind: 'rate', dimension, retryAfterMs, limit, message, state };
  }
  const dimension = QUOTA_DIMS[dim - 1]!;
  const message = refusalMessage(dimension, plan, tokens, state.dayTokens);
  return { ok: false, kind: 'quota', dimension, retryAfterMs, message, state };
}

type BudgetStep = 'charge' | 'settle' | 'read' | 'seed' | 'merge';

/** The budget steps: one atomic Lua script per step (lua/budget-*.lua), on Redis server time. */
export function createRedisBudgets(
  run: RunScript,
  keys: QuotaKeys,
  ttlMs = BUDGET_TTL_MS,
): TenantBudgetStore {
  const call = async (tenant: string, step: BudgetStep, args: (string | number)[] = []): Promise<Reply> =>
    (await run(`budget-${step}`, [keys.tenant(tenant)], args)) as Reply;
  const snapshot = (r: Reply): BudgetSnapshot => ({ state: stateOf(r), now: num(r[3]), share: 1 });
  return {
    async chargeBudget(tenant, plan, tokens): Promise<BudgetCharge> {
      const r = await call(tenant, 'charge', [
        tokens,
        opt(plan.rpm),
        opt(plan.tpm),
        plan.burst ?? 1,
        opt(plan.requestsPerDay),
        opt(plan.tokensPerDay),
        opt(plan.usdPerDay),
        opt(plan.usdPerMonth),
        ttlMs,
      ]);
      const s = snapshot(r);
      return { ...s, decision: decisionOf(r, s.state!, plan, tokens) };
    },
    async settleBudget(tenant, plan, deltaTokens, usd) {
      return snapshot(
        await call(tenant, 'settle', [deltaTokens, usd, opt(plan.tpm), plan.burst ?? 1, ttlMs]),
      );
    },
    async readBudget(tenant) {
      return snapshot(await call(tenant, 'read'));
    },
    async seedBudget(tenant, dayUsd, monthUsd) {
      return (await call(tenant, 'seed', [dayUsd, monthUsd, ttlMs]))[0] === 0;
    },
    async mergeBudget(tenant, u) {
      await call(tenant, 'merge', [u.day, u.dayRequests, u.dayTokens, u.dayUsd, u.month, u.monthUsd, ttlMs]);
    },
  };
}
