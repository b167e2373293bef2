/**
 * SQLite ledger (the default): WAL so reports can read while the gateway writes, one
 * transaction per batch through a prepared statement.
 */
import Database from 'better-sqlite3';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createBatcher } from './batcher.js';
import { insertSql } from './sqlite-writer-protocol.js';
import { createThreadWriter } from './sqlite-thread.js';
import { buildAggregateSql, toRows, type Dialect } from './query.js';
import { MIGRATIONS, MIGRATIONS_TABLE_SQL, nearestRank } from './schema.js';
import { toColumnValues, type Ledger, type LedgerOptions, type LedgerRecord } from './types.js';

const DIALECT: Dialect = {
  placeholder: () => '?',
  dayExpr: `strftime('%Y-%m-%d', ts / 1000, 'unixepoch')`,
  percentiles: 'pacer_pctl(duration_ms) AS pctl',
};

function migrate(db: Database.Database): void {
  db.exec(MIGRATIONS_TABLE_SQL);
  const applied = new Set(
    (db.prepare('SELECT version FROM pacer_migrations').all() as { version: number }[]).map((r) => r.version),
  );
  const mark = db.prepare('INSERT INTO pacer_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const m of MIGRATIONS) {
    if (applied.has(m.version)) continue;
    // BEGIN IMMEDIATE: two processes opening a fresh file do not both migrate.
    db.transaction(() => {
      const again = db.prepare('SELECT 1 FROM pacer_migrations WHERE version = ?').get(m.version);
      if (again) return;
      db.exec(m.sqlite);
      mark.run(m.version, m.name, Date.now());
    }).immediate();
  }
}

/** Collects durations per group and returns "[p50,p95]" (SQLite has no percentile function). */
function registerPercentiles(db: Database.Database): void {
  db.aggregate('pacer_pctl', {
    start: () => [] as number[],
    step: (acc: number[], v: unknown) => {
      if (typeof v === 'number') acc.push(v);
      return acc;
    },
    result: (acc: number[]) => {
      acc.sort((a, b) => a - b);
      return JSON.stringify([nearestRank(acc, 0.5), nearestRank(acc, 0.95)]);
    },
  });
}

export function openSqliteLedger(path: string, opts: LedgerOptions = {}): Ledger {
  const memory = path === ':memory:';
  if (!memory) {
    if (opts.mustExist && !existsSync(path)) throw new Error(`no ledger database at ${path}`);
    mkdirSync(dirname(path), { recursive: true });
  }
  const db = new Database(path, { fileMustExist: Boolean(opts.mustExist) && !memory });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  registerPercentiles(db);

  const insert = db.prepare(insertSql());
  const insertMany = db.transaction((batch: LedgerRecord[]) => {
    for (const r of batch) insert.run(toColumnValues(r));
  });
  // Writes go to a thread of their own (sqlite-writer.ts) except for an in-memory database,
  // which only this connection can see, and a read-only report.
  const thread = memory || opts.mustExist ? null : createThreadWriter(path);
  const spend = db
    .prepare('SELECT COALESCE(SUM(cost_usd), 0) AS usd FROM pacer_usage WHERE tenant = ? AND ts >= ?')
    .pluck();

  const batcher = createBatcher({
    write: thread ? (batch) => thread.write(batch.map(toColumnValues)) : (batch) => insertMany(batch),
    batchSize: opts.batchSize ?? 500,
    flushIntervalMs: opts.flushIntervalMs ?? 1000,
    maxPending: opts.maxPending ?? 100_000,
    onError: opts.onError,
    // Inline, each write blocks the event loop while it runs: keep them small.
    maxWrite: thread ? 5000 : 250,
  });
  let open = true;

  return {
    kind: 'sqlite',
    record: (rec) => batcher.push(rec),
    flush: () => batcher.flush(),
    async close() {
      if (!open) return;
      open = false;
      try {
        await batcher.close();
      } finally {
        await thread?.close();
        db.close();
      }
    },
    async query(q = {}) {
      await batcher.flush();
      const { sql, params } = buildAggregateSql(q, DIALECT);
      const raw = db.prepare(sql).all(...params) as Record<string, unknown>[];
      return toRows(raw, (r) =>
        typeof r.pctl === 'string' ? (JSON.parse(r.pctl) as [number | null, number | null]) : [null, null],
      );
    },
    async tenantSpend(tenant, sinceMs) {
      const stored = spend.get(tenant, Math.floor(sinceMs)) as number;
      return stored + batcher.pendingSpend(tenant, sinceMs);
    },
    stats: () => batcher.stats(),
  };
}
