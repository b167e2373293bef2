/**
 * One behaviour suite for the tenant budgets of every quota store (memory = the pure steps of
 * src/core/tenancy/budget.ts, Redis = lua/budget-*.lua): the same sequences, the same decisions. Each
 * answer is also checked against the pure step run at the store's own `now`, so the Lua port
 * cannot drift from the reference even by a rounding.
 */
import { describe, expect, it } from 'vitest';
import {
  chargeBudget,
  settleBudget,
  type BudgetDecision,
  type BudgetState,
  type TenantPlan,
} from '../../src/core/tenancy/index.js';
import type { BudgetSnapshot, TenantBudgetStore } from '../../src/store/quota/index.js';

export interface BudgetHarness {
  store: TenantBudgetStore;
  /** Time the store's clock may move between two steps of one test (0 for an injected clock). */
  slackMs: number;
}

export type Step = { charge: number } | { settle: [deltaTokens: number, usd: number] };

interface Outcome {
  ok: boolean;
  kind?: 'rate' | 'quota';
  dimension?: string;
  retryAfterMs?: number;
  message?: string;
}

const DAY = 86_400_000;
const plan = (p: Omit<TenantPlan, 'weight'>): TenantPlan => ({ weight: 1, ...p });

function outcomeOf(d: BudgetDecision): Outcome {
  if (d.ok) return { ok: true };
  return {
    ok: false,
    kind: d.kind,
    dimension: d.dimension,
    retryAfterMs: d.retryAfterMs,
    message: d.message,
  };
}

function expectSameState(actual: BudgetState | undefined, expected: BudgetState): void {
  expect(actual).toBeDefined();
  const { rpm, tpm, ...counters } = actual!;
  const { rpm: xr, tpm: xt, ...want } = expected;
  expect(counters).toEqual(want);
  for (const [got, exp] of [
    [rpm, xr],
    [tpm, xt],
  ] as const) {
    if (!exp) expect(got).toBeUndefined();
    else {
      expect(got!.level).toBeCloseTo(exp.level, 9);
      expect(got!.at).toBeCloseTo(exp.at, 6);
    }
  }
}

/** Runs `steps`, checking each answer against the pure step at the store's now; returns the outcomes. */
export async function run(
  store: TenantBudgetStore,
  tenant: string,
  p: TenantPlan,
  steps: readonly Step[],
): Promise<{ outcomes: Outcome[]; last: BudgetSnapshot }> {
  let ref: BudgetState | undefined;
  const outcomes: Outcome[] = [];
  let last: BudgetSnapshot | undefined;
  for (const step of steps) {
    if ('charge' in step) {
      const r = await store.chargeBudget(tenant, p, step.charge);
      const want = chargeBudget(ref, r.now, step.charge, p);
      expect(outcomeOf(r.decision)).toEqual(outcomeOf(want));
      expectSameState(r.state, want.state);
      if (want.ok) ref = want.state;
      outcomes.push(outcomeOf(r.decision));
      last = r;
    } else {
      const r = await store.settleBudget(tenant, p, step.settle[0], step.settle[1]);
      ref = settleBudget(ref, r.now, step.settle[0], step.settle[1], p);
      expectSameState(r.state, ref);
      last = r;
    }
  }
  return { outcomes, last: last! };
}

const charges = (n: number, tokens = 1): Step[] => Array.from({ length: n }, () => ({ charge: tokens }));

export function defineBudgetStoreContract(name: string, open: () => Promise<BudgetHarness>): void {
  describe(`budget store contract: ${name}`, () => {
    it('refuses the fourth request of rpm 3 with a retry-after of ~20 s', async () => {
      const h = await open();
      const { outcomes } = await run(h.store, 't', plan({ rpm: 3 }), charges(4));
      expect(outcomes.slice(0, 3).every((o) => o.ok)).toBe(true);
      expect(outcomes[3]).toMatchObject({ ok: false, kind: 'rate', dimension: 'requests' });
      expect(outcomes[3]!.retryAfterMs).toBeLessThanOrEqual(20_000);
      expect(outcomes[3]!.retryAfterMs).toBeGreaterThanOrEqual(20_000 - h.slackMs - 1);
      expect(outcomes[3]!.message).toBe('Per-minute budget of 3 requests is spent (requested 1)');
    });

    it('a burst of 0.25 admits 15 of rpm 60 at once, then one a second', async () => {
      const h = await open();
      const { outcomes } = await run(h.store, 't', plan({ rpm: 60, burst: 0.25 }), charges(16));
      expect(outcomes.filter((o) => o.ok)).toHaveLength(15);
      expect(outcomes[15]!.retryAfterMs).toBeLessThanOrEqual(1000);
      expect(outcomes[15]!.retryAfterMs).toBeGreaterThanOrEqual(1000 - h.slackMs - 1);
    });

    it('a request larger than the minute budget never fits; a whole bucket does', async () => {
      const h = await open();
      const { outcomes } = await run(h.store, 't', plan({ tpm: 1000 }), [
        { charge: 1001 },
        { charge: 1000 },
        { charge: 1 },
      ]);
      expect(outcomes[0]).toMatchObject({
        ok: false,
        kind: 'rate',
        dimension: 'tokens',
        retryAfterMs: Infinity,
      });
      expect(outcomes[0]!.message).toBe(
        'Request of 1001 tokens is larger than the per-minute budget of 1000',
      );
      expect(outcomes[1]!.ok).toBe(true);
      expect(outcomes[2]).toMatchObject({ ok: false, dimension: 'tokens' });
    });

    it('a refused token charge takes no request either (all or nothing)', async () => {
      const h = await open();
      const p = plan({ rpm: 2, tpm: 1000 });
      const { outcomes, last } = await run(h.store, 't', p, [{ charge: 900 }, { charge: 900 }]);
      expect(outcomes.map((o) => o.ok)).toEqual([true, false]);
      expect(last.state!.dayRequests).toBe(1);
      expect(last.state!.rpm!.level).toBeCloseTo(1, 2);
    });

    it('settling refunds unused tokens to the minute bucket, never above its capacity', async () => {
      const h = await open();
      const p = plan({ tpm: 1000 });
      const { outcomes, last } = await run(h.store, 't', p, [
        { charge: 800 },
        { charge: 300 },
        { settle: [-500, 0] },
        { charge: 300 },
        { settle: [-5000, 0] },
      ]);
      expect(outcomes.map((o) => o.ok)).toEqual([true, false, true]);
      expect(outcomes[1]!.retryAfterMs).toBeLessThanOrEqual(6000);
      expect(last.state!.tpm!.level).toBe(1000);
      // 800 - 500 + 300 - 5000, floored at zero.
      expect(last.state!.dayTokens).toBe(0);
    });

    it('counts requests per UTC day and refuses until midnight', async () => {
      const h = await open();
      const { outcomes, last } = await run(h.store, 't', plan({ requestsPerDay: 2 }), charges(3));
      expect(outcomes.map((o) => o.ok)).toEqual([true, true, false]);
      expect(outcomes[2]).toMatchObject({ kind: 'quota', dimension: 'requests_per_day' });
      expect(outcomes[2]!.retryAfterMs).toBeCloseTo(DAY - (last.now % DAY), 3);
      expect(last.state!.day).toBe(new Date(last.now).toISOString().slice(0, 10));
    });

    it('tokens per day follow the settled usage, not the estimate', async () => {
      const h = await open();
      const { outcomes } = await run(h.store, 't', plan({ tokensPerDay: 1000 }), [
        { charge: 500 },
        { settle: [-300, 0] },
        { charge: 800 },
        { charge: 1 },
      ]);
      expect(outcomes.map((o) => o.ok)).toEqual([true, true, false]);
      expect(outcomes[2]!.message).toBe(
        'Daily budget of 1000 tokens would be exceeded (used 1000, requested 1)',
      );
    });

    it('dollars per day and per month stop the tenant until the period rolls over', async () => {
      const h = await open();
      const day = await run(h.store, 'd', plan({ usdPerDay: 1, usdPerMonth: 3 }), [
        { charge: 10 },
        { settle: [0, 1] },
        { charge: 10 },
      ]);
      expect(day.outcomes[1]).toMatchObject({ ok: false, kind: 'quota', dimension: 'usd_per_day' });
      expect(day.last.state).toMatchObject({ dayUsd: 1, monthUsd: 1 });
      const month = await run(h.store, 'm', plan({ usdPerMonth: 2 }), [{ settle: [0, 2.5] }, { charge: 1 }]);
      const d = new Date(month.last.now);
      const nextMonth = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
      expect(month.outcomes[0]).toMatchObject({ kind: 'quota', dimension: 'usd_per_month' });
      expect(month.outcomes[0]!.retryAfterMs).toBeCloseTo(nextMonth - month.last.now, 3);
      expect(month.outcomes[0]!.message).toBe('Monthly budget of $2 is spent');
    });

    it('reads nothing for an unknown tenant, and the rolled-over state for a known one', async () => {
      const h = await open();
      expect((await h.store.readBudget('nobody')).state).toBeUndefined();
      await run(h.store, 'known', plan({ rpm: 10 }), charges(2));
      const r = await h.store.readBudget('known');
      expect(r.state).toMatchObject({ dayRequests: 2, dayTokens: 2 });
      expect(r.state!.rpm!.level).toBeCloseTo(8, 1);
    });

    it('seeds spent dollars only into a tenant without a current month', async () => {
      const h = await open();
      expect(await h.store.seedBudget('fresh', 0.5, 2)).toBe(true);
      expect((await h.store.readBudget('fresh')).state).toMatchObject({ dayUsd: 0.5, monthUsd: 2 });
      // A second instance starting later must not count the ledger's dollars twice.
      expect(await h.store.seedBudget('fresh', 0.5, 2)).toBe(false);
      await run(h.store, 'busy', plan({ rpm: 10 }), charges(1));
      expect(await h.store.seedBudget('busy', 1, 1)).toBe(false);
      expect((await h.store.readBudget('busy')).state).toMatchObject({ dayUsd: 0, monthUsd: 0 });
    });

    it('merges usage counted elsewhere into the day and month it belongs to', async () => {
      const h = await open();
      const { last } = await run(h.store, 't', plan({ rpm: 10 }), charges(1, 5));
      const { day, month } = last.state!;
      await h.store.mergeBudget('t', {
        day,
        dayRequests: 3,
        dayTokens: 30,
        dayUsd: 0.25,
        month,
        monthUsd: 0.25,
      });
      await h.store.mergeBudget('t', {
        day: '1999-01-01',
        dayRequests: 100,
        dayTokens: 100,
        dayUsd: 100,
        month: '1999-01',
        monthUsd: 100,
      });
      expect((await h.store.readBudget('t')).state).toMatchObject({
        dayRequests: 4,
        dayTokens: 35,
        dayUsd: 0.25,
        monthUsd: 0.25,
      });
    });

    it('keeps tenants apart', async () => {
      const h = await open();
      const p = plan({ rpm: 1 });
      expect((await run(h.store, 'a', p, charges(2))).outcomes.map((o) => o.ok)).toEqual([true, false]);
      expect((await run(h.store, 'b', p, charges(1))).outcomes[0]!.ok).toBe(true);
    });
  });
}
