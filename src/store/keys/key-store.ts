import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

/**
 * Virtual keys in a SQLite file shared by the CLI and every gateway on the machine. Only a
 * SHA-256 of each key is stored; the key itself is shown once, at creation. Every lookup reads
 * the file (WAL, a prepared statement: microseconds), so `pacer keys revoke` takes effect on a
 * running gateway at once, with no restart and no cache to expire.
 */
export interface KeyRecord {
  id: string;
  tenant: string;
  plan: string | null;
  createdAt: number;
  revokedAt: number | null;
  /** The first characters of the key, to recognise it in a list; never enough to use it. */
  hint: string;
}

export interface KeyStore {
  create(input: { tenant: string; plan?: string | undefined; now?: number }): {
    record: KeyRecord;
    key: string;
  };
  list(): KeyRecord[];
  /** True when a live key was revoked. */
  revoke(id: string, now?: number): boolean;
  /** The live record for a presented key, or undefined (unknown or revoked). */
  lookup(key: string): KeyRecord | undefined;
  close(): void;
}

export const DEFAULT_KEYS_DB = '.pacer/keys.sqlite';
const KEY_PREFIX = 'pk-';

interface Row {
  id: string;
  tenant: string;
  plan: string | null;
  created_at: number;
  revoked_at: number | null;
  hint: string;
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

function toRecord(r: Row): KeyRecord {
  return {
    id: r.id,
    tenant: r.tenant,
    plan: r.plan,
    createdAt: r.created_at,
    revokedAt: r.revoked_at,
    hint: r.hint,
  };
}

export function openKeyStore(path: string = DEFAULT_KEYS_DB): KeyStore {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 2000');
  db.exec(`CREATE TABLE IF NOT EXISTS virtual_keys (
    id TEXT PRIMARY KEY,
    hash TEXT NOT NULL UNIQUE,
    tenant TEXT NOT NULL,
    plan TEXT,
    hint TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
  )`);
  const insert = db.prepare(
    'INSERT INTO virtual_keys (id, hash, tenant, plan, hint, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const all = db.prepare(
    'SELECT id, tenant, plan, created_at, revoked_at, hint FROM virtual_keys ORDER BY created_at, id',
  );
  const byHash = db.prepare(
    'SELECT id, tenant, plan, created_at, revoked_at, hint FROM virtual_keys WHERE hash = ? AND revoked_at IS NULL',
  );
  const revoke = db.prepare('UPDATE virtual_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL');

  return {
    create({ tenant, plan, now = Date.now() }) {
      const key = KEY_PREFIX + randomBytes(24).toString('base64url');
      const id = 'key_' + randomBytes(6).toString('hex');
      const hint = key.slice(0, KEY_PREFIX.length + 4);
      insert.run(id, hashKey(key), tenant, plan ?? null, hint, now);
      return { key, record: { id, tenant, plan: plan ?? null, createdAt: now, revokedAt: null, hint } };
    },
    list: () => (all.all() as Row[]).map(toRecord),
    revoke: (id, now = Date.now()) => revoke.run(now, id).changes > 0,
    lookup(key) {
      if (!key.startsWith(KEY_PREFIX)) return undefined;
      const row = byHash.get(hashKey(key)) as Row | undefined;
      return row ? toRecord(row) : undefined;
    },
    close: () => db.close(),
  };
}
