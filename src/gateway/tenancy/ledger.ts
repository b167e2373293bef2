/**
 * Opens the configured usage ledger for a gateway. createGateway is synchronous and Postgres is
 * not, so the gateway gets a Ledger at once that buffers records until the real one is open;
 * `ready` resolves when it is open and today's/this month's spend has been loaded into budgets.
 */
import { createLedger } from '../../store/ledger/index.js';
import type { Ledger, LedgerRecord } from '../../store/ledger/index.js';
import type { BudgetStore } from './budgets.js';
import { seedSpendFromLedger } from './seed.js';

export interface OpenedLedger {
  ledger: Ledger;
  ready: Promise<void>;
}

export function isLedgerOff(url: string): boolean {
  return /^(off|none|false|0)$/i.test(url.trim());
}

export function openGatewayLedger(
  url: string,
  deps: {
    budgets: BudgetStore;
    tenants: () => Iterable<string>;
    now: () => number;
    log: (line: string) => void;
  },
): OpenedLedger {
  const onError = (err: Error) =>
    deps.log(JSON.stringify({ level: 'error', component: 'ledger', error: err.message }));
  const opening = createLedger(url, { onError });
  const ledger = deferLedger(url.startsWith('postgres') ? 'postgres' : 'sqlite', opening);
  const ready = opening.then(
    (real) => seedSpendFromLedger(real, deps.budgets, deps.tenants(), deps.now()),
    (err: unknown) => onError(err as Error),
  );
  return { ledger, ready: ready.catch((err: unknown) => onError(err as Error)) };
}

/** A Ledger usable before the real one is open: records wait in order, then go through. */
export function deferLedger(kind: Ledger['kind'], opening: Promise<Ledger>): Ledger {
  let real: Ledger | undefined;
  let failed = false;
  let waiting: LedgerRecord[] = [];
  const settled = opening.then(
    (l) => {
      real = l;
      for (const r of waiting) l.record(r);
      waiting = [];
      return l;
    },
    () => {
      failed = true;
      waiting = [];
      return undefined;
    },
  );
  return {
    kind,
    record(rec) {
      if (real) real.record(rec);
      else if (!failed) waiting.push(rec);
    },
    async flush() {
      await (await settled)?.flush();
    },
    async close() {
      await (await settled)?.close();
    },
    async query(q) {
      const l = await settled;
      return l ? l.query(q) : [];
    },
    async tenantSpend(tenant, since) {
      const l = await settled;
      return l ? l.tenantSpend(tenant, since) : 0;
    },
    stats() {
      return (
        real?.stats() ?? { pending: waiting.length, written: 0, dropped: 0, writeFailures: failed ? 1 : 0 }
      );
    },
  };
}
