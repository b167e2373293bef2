import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Clock } from '../../core/clock.js';
import { systemClock } from '../../platform/system.js';
import type { OwnerRecord, OwnerStore } from './types.js';

/**
 * Owners in a table of the key store's SQLite file (`keys_db`, decision 006): tenancy state in
 * one place, shared by every gateway on the machine and kept across restarts. Writes are
 * synchronous, so a claim is on disk before the client sees the id. Expired rows read as absent
 * and are swept at open and every SWEEP_EVERY claims.
 */
const SWEEP_EVERY = 1000;
/** SQLite's default limit on bound parameters is 32766; stay far below it. */
const CHUNK = 500;

interface Row {
  id: string;
  tenant: string;
  input: string | null;
}

export function openSqliteOwnerStore(path: string, clock: Clock = systemClock): OwnerStore {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 2000');
  // No fsync per claim (WAL keeps a commit across a process crash; only power loss can drop the last).
  db.pragma('synchronous = NORMAL');
  db.exec(`CREATE TABLE IF NOT EXISTS resource_owners (
    id TEXT PRIMARY KEY,
    tenant TEXT NOT NULL,
    input TEXT,
    created_at INTEGER NOT NULL,
    expires_at INTEGER
  ) WITHOUT ROWID`);
  // A new claim replaces only an expired row: the first live owner keeps the object.
  const insert = db.prepare(`INSERT INTO resource_owners (id, tenant, input, created_at, expires_at)
    VALUES (?, ?, ?, ?, ?)
    ON CONFLICT(id) DO UPDATE SET tenant = excluded.tenant, input = excluded.input,
      created_at = excluded.created_at, expires_at = excluded.expires_at
    WHERE resource_owners.expires_at IS NOT NULL AND resource_owners.expires_at <= ?`);
  const select = db.prepare(
    'SELECT id, tenant, input FROM resource_owners WHERE id = ? AND (expires_at IS NULL OR expires_at > ?)',
  );
  const remove = db.prepare('DELETE FROM resource_owners WHERE id = ?');
  const sweep = db.prepare('DELETE FROM resource_owners WHERE expires_at IS NOT NULL AND expires_at <= ?');
  const claim = db.transaction((id: string, record: OwnerRecord, ttlMs: number | undefined, now: number) => {
    const input = record.input === undefined ? null : JSON.stringify(record.input);
    insert.run(id, record.tenant, input, now, ttlMs === undefined ? null : now + ttlMs, now);
    return (select.get(id, now) as Row).tenant;
  });
  sweep.run(clock.now());
  let claims = 0;

  const toRecord = (row: Row | undefined): OwnerRecord | undefined => {
    if (!row) return undefined;
    const r: OwnerRecord = { tenant: row.tenant };
    if (row.input !== null) r.input = JSON.parse(row.input) as NonNullable<OwnerRecord['input']>;
    return r;
  };
  const many = (ids: readonly string[], now: number): Map<string, Row> => {
    const out = new Map<string, Row>();
    for (let i = 0; i < ids.length; i += CHUNK) {
      const part = ids.slice(i, i + CHUNK);
      const rows = db
        .prepare(
          `SELECT id, tenant, input FROM resource_owners WHERE id IN (${part.map(() => '?').join(',')})
           AND (expires_at IS NULL OR expires_at > ?)`,
        )
        .all(...part, now) as Row[];
      for (const r of rows) out.set(r.id, r);
    }
    return out;
  };

  return {
    kind: 'sqlite',
    async claim(id, record, ttlMs) {
      const now = clock.now();
      if (++claims % SWEEP_EVERY === 0) sweep.run(now);
      return claim(id, record, ttlMs, now);
    },
    get: async (id) => toRecord(select.get(id, clock.now()) as Row | undefined),
    async getMany(ids) {
      const rows = many(ids, clock.now());
      return ids.map((id) => toRecord(rows.get(id)));
    },
    async release(id) {
      remove.run(id);
    },
    async close() {
      if (db.open) db.close();
    },
  };
}
