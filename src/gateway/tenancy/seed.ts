/** Loads today's and this month's dollar spend from the ledger, so a restart keeps spent budgets. */
import type { Ledger } from '../../store/ledger/index.js';
import type { BudgetStore } from './budgets.js';
import { periodStarts } from './budgets.js';

export async function seedSpendFromLedger(
  ledger: Ledger,
  budgets: BudgetStore,
  tenants: Iterable<string>,
  now: number,
): Promise<void> {
  const { day, month } = periodStarts(now);
  await Promise.all(
    [...new Set(tenants)].map(async (t) => {
      const [d, m] = await Promise.all([ledger.tenantSpend(t, day), ledger.tenantSpend(t, month)]);
      if (d > 0 || m > 0) await budgets.seedSpend(t, d, m, now);
    }),
  );
}
