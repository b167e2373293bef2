/**
 * PostgreSQL ledger for many gateway instances: same schema and queries as SQLite, batches
 * written as multi-row INSERTs, migrations serialised across instances by an advisory lock.
 */
import pg from 'pg';
import { createBatcher } from './batcher.js';
import { buildAggregateSql, toRows, type Dialect } from './query.js';
import { MIGRATIONS, MIGRATIONS_TABLE_SQL } from './schema.js';
import {
  LEDGER_COLUMNS,
  toColumnValues,
  type Ledger,
  type LedgerOptions,
  type LedgerRecord,
} from './types.js';

const DIALECT: Dialect = {
  placeholder: (i) => `$${i}`,
  dayExpr: `to_char(to_timestamp(ts / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD')`,
  percentiles:
    'percentile_disc(0.5) WITHIN GROUP (ORDER BY duration_ms) AS p50, percentile_disc(0.95) WITHIN GROUP (ORDER BY duration_ms) AS p95',
};

/** Any constant works; it only has to be the same in every instance. */
const MIGRATION_LOCK = 0x70616365; // "pace"
/** 17 columns x 1000 rows stays far below PostgreSQL's 65535 bind parameters. */
const ROWS_PER_INSERT = 1000;

async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(MIGRATIONS_TABLE_SQL);
    const done = await client.query<{ version: number }>('SELECT version FROM pacer_migrations');
    const applied = new Set(done.rows.map((r) => r.version));
    for (const m of MIGRATIONS) {
      if (applied.has(m.version)) continue;
      await client.query(m.postgres);
      await client.query('INSERT INTO pacer_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        m.version,
        m.name,
        Date.now(),
      ]);
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

function insertSql(rows: number): string {
  const width = LEDGER_COLUMNS.length;
  const tuples: string[] = [];
  for (let r = 0; r < rows; r++) {
    const ph: string[] = [];
    for (let c = 1; c <= width; c++) ph.push(`$${r * width + c}`);
    tuples.push(`(${ph.join(',')})`);
  }
  return `INSERT INTO pacer_usage (${LEDGER_COLUMNS.join(', ')}) VALUES ${tuples.join(',')}`;
}

async function insertBatch(pool: pg.Pool, batch: LedgerRecord[]): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    for (let i = 0; i < batch.length; i += ROWS_PER_INSERT) {
      const part = batch.slice(i, i + ROWS_PER_INSERT);
      // Named statements are prepared once per connection and reused for full-size batches.
      const text = insertSql(part.length);
      const name = part.length === ROWS_PER_INSERT ? 'pacer_usage_insert_full' : undefined;
      await client.query({ text, values: part.flatMap(toColumnValues), ...(name ? { name } : {}) });
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

export async function openPostgresLedger(url: string, opts: LedgerOptions = {}): Promise<Ledger> {
  const pool = new pg.Pool({ connectionString: url, max: 4, idleTimeoutMillis: 10_000 });
  // An idle client losing its server must not crash the process; the next write retries.
  pool.on('error', (err) => opts.onError?.(err));
  try {
    await migrate(pool);
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }

  const batcher = createBatcher({
    write: (batch) => insertBatch(pool, batch),
    batchSize: opts.batchSize ?? 500,
    flushIntervalMs: opts.flushIntervalMs ?? 1000,
    maxPending: opts.maxPending ?? 100_000,
    onError: opts.onError,
  });
  let open = true;

  return {
    kind: 'postgres',
    record: (rec) => batcher.push(rec),
    flush: () => batcher.flush(),
    async close() {
      if (!open) return;
      open = false;
      try {
        await batcher.close();
      } finally {
        await pool.end();
      }
    },
    async query(q = {}) {
      await batcher.flush();
      const { sql, params } = buildAggregateSql(q, DIALECT);
      const res = await pool.query(sql, params);
      const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
      return toRows(res.rows as Record<string, unknown>[], (r) => [num(r.p50), num(r.p95)]);
    },
    async tenantSpend(tenant, sinceMs) {
      // A record leaves the batch only after its COMMIT, so a batch committing during this
      // query may be counted twice for an instant: conservative for budgets, never an undercount.
      const pending = batcher.pendingSpend(tenant, sinceMs);
      const res = await pool.query<{ usd: string | number }>(
        'SELECT COALESCE(SUM(cost_usd), 0) AS usd FROM pacer_usage WHERE tenant = $1 AND ts >= $2',
        [tenant, Math.floor(sinceMs)],
      );
      return Number(res.rows[0]?.usd ?? 0) + pending;
    },
    stats: () => batcher.stats(),
  };
}
