import type { DashboardEvent, TenantRow } from './types.js';
import { isError, percentile, round6 } from './window.js';

/** How many recent durations per tenant the p95 is computed over. */
const RECENT = 256;
/** Tenants past this many (counting the fold row) are folded into one row, so a flood of names cannot grow memory. */
const MAX_TENANTS = 500;
export const OTHER_TENANT = '(other)';

interface TenantAcc {
  row: TenantRow;
  recent: Float64Array;
  filled: number;
  next: number;
}

export interface TenantTable {
  add(e: DashboardEvent): void;
  /** Rows by requests, most first; p95 computed now. */
  rows(): TenantRow[];
}

export function createTenantTable(maxTenants = MAX_TENANTS): TenantTable {
  const tenants = new Map<string, TenantAcc>();

  function accFor(name: string): TenantAcc {
    let acc = tenants.get(name);
    if (acc) return acc;
    if (tenants.size >= maxTenants - 1) {
      acc = tenants.get(OTHER_TENANT);
      if (acc) return acc;
      name = OTHER_TENANT;
    }
    acc = {
      row: {
        tenant: name,
        requests: 0,
        errors: 0,
        tokensIn: 0,
        tokensOut: 0,
        costUsd: 0,
        durationP95: null,
        lastSeen: 0,
      },
      recent: new Float64Array(RECENT),
      filled: 0,
      next: 0,
    };
    tenants.set(name, acc);
    return acc;
  }

  function add(e: DashboardEvent): void {
    const acc = accFor(e.tenant);
    const r = acc.row;
    r.requests++;
    if (isError(e.status)) r.errors++;
    r.tokensIn += e.tokensIn;
    r.tokensOut += e.tokensOut;
    r.costUsd += e.costUsd;
    if (e.ts > r.lastSeen) r.lastSeen = e.ts;
    acc.recent[acc.next] = e.durationMs;
    acc.next = (acc.next + 1) % RECENT;
    if (acc.filled < RECENT) acc.filled++;
  }

  function rows(): TenantRow[] {
    const out: TenantRow[] = [];
    for (const acc of tenants.values()) {
      const recent = Array.from(acc.recent.subarray(0, acc.filled));
      out.push({ ...acc.row, costUsd: round6(acc.row.costUsd), durationP95: percentile(recent, 95) });
    }
    return out.sort((a, b) => b.requests - a.requests || a.tenant.localeCompare(b.tenant));
  }

  return { add, rows };
}
