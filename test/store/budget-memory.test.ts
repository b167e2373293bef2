import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../src/core/clock.js';
import { createMemoryQuotaStore } from '../../src/store/quota/index.js';
import { defineBudgetStoreContract } from './budget-contract.js';

defineBudgetStoreContract('memory', async () => ({
  store: createMemoryQuotaStore({ clock: createManualClock(1_764_000_000_000) }),
  slackMs: 0,
}));

describe('memory budgets on a 1/N share (the degraded fallback)', () => {
  it('scales the minute burst and refill, not the limit', async () => {
    const store = createMemoryQuotaStore({ clock: createManualClock(1_764_000_000_000) });
    const plan = { weight: 1, rpm: 10 };
    const got = [];
    for (let i = 0; i < 6; i++) got.push((await store.chargeBudget('t', plan, 1, 1 / 2)).decision);
    expect(got.map((d) => d.ok)).toEqual([true, true, true, true, true, false]);
    // Half the refill: one request every 12 s instead of 6 s.
    const last = got[5]!;
    expect(!last.ok && last.retryAfterMs).toBe(12_000);
  });

  it('reports the usage counted since it was primed from the shared counters', async () => {
    const clock = createManualClock(Date.UTC(2026, 10, 25, 12));
    const store = createMemoryQuotaStore({ clock });
    store.primeBudget('t', {
      day: '2026-11-25',
      dayRequests: 7,
      dayTokens: 70,
      dayUsd: 1,
      month: '2026-11',
      monthUsd: 5,
    });
    await store.chargeBudget('t', { weight: 1, requestsPerDay: 8 }, 10);
    expect((await store.chargeBudget('t', { weight: 1, requestsPerDay: 8 }, 10)).decision.ok).toBe(false);
    await store.settleBudget('t', { weight: 1 }, 0, 0.5);
    expect(store.budgetUsage().get('t')).toEqual({
      day: '2026-11-25',
      dayRequests: 1,
      dayTokens: 10,
      dayUsd: 0.5,
      month: '2026-11',
      monthUsd: 0.5,
    });
  });
});
