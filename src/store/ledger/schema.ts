/**
 * Ledger schema, one list of migrations for both dialects. A migration is applied once and
 * remembered in `pacer_migrations`; append new ones, never edit an applied one.
 */
export interface Migration {
  version: number;
  name: string;
  sqlite: string;
  postgres: string;
}

const COLUMNS = (id: string, real: string) => `
  id ${id},
  ts BIGINT NOT NULL,
  request_id TEXT NOT NULL,
  tenant TEXT NOT NULL,
  key_id TEXT NOT NULL,
  model TEXT NOT NULL,
  route TEXT NOT NULL,
  tokens_in BIGINT NOT NULL,
  cached BIGINT NOT NULL,
  tokens_out BIGINT NOT NULL,
  reasoning BIGINT NOT NULL,
  cost_usd ${real} NOT NULL,
  pricing_version TEXT NOT NULL,
  queue_ms ${real} NOT NULL,
  ttft_ms ${real},
  duration_ms ${real} NOT NULL,
  status INTEGER NOT NULL,
  retries INTEGER NOT NULL`;

// The (tenant, ts, cost_usd) index covers tenantSpend(), which budgets call often.
const INDEXES = `
CREATE INDEX pacer_usage_ts ON pacer_usage (ts);
CREATE INDEX pacer_usage_tenant_ts ON pacer_usage (tenant, ts, cost_usd);`;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'create pacer_usage',
    sqlite: `CREATE TABLE pacer_usage (${COLUMNS('INTEGER PRIMARY KEY', 'REAL')});${INDEXES}`,
    postgres: `CREATE TABLE pacer_usage (${COLUMNS('BIGSERIAL PRIMARY KEY', 'DOUBLE PRECISION')});${INDEXES}`,
  },
];

export const MIGRATIONS_TABLE_SQL = `CREATE TABLE IF NOT EXISTS pacer_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at BIGINT NOT NULL
)`;

/** Nearest rank: the smallest value with at least p of the values at or below it. */
export function nearestRank(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[idx] ?? null;
}
