import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createLedger, parseLedgerUrl } from '../../../src/store/ledger/index.js';
import { defineLedgerContract, makeRecord } from './contract.js';

const dir = mkdtempSync(join(tmpdir(), 'pacer-ledger-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

defineLedgerContract('sqlite', {
  fresh: async () => {
    const url = `sqlite:${join(dir, `l${n++}`, 'ledger.sqlite')}`;
    return (opts) => createLedger(url, opts);
  },
});

describe('sqlite ledger specifics', () => {
  it('uses WAL and records its schema version', async () => {
    const path = join(dir, 'wal.sqlite');
    const l = await createLedger(path);
    l.record(makeRecord({ ttftMs: 42 }));
    await l.close();
    const db = new Database(path, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.prepare('SELECT version, name FROM pacer_migrations').all()).toEqual([
      { version: 1, name: 'create pacer_usage' },
    ]);
    expect(db.prepare('SELECT ttft_ms, request_id FROM pacer_usage').get()).toEqual({
      ttft_ms: 42,
      request_id: 'req_0',
    });
    db.close();
  });

  it('writes on a thread of its own: a locked database does not hold the event loop', async () => {
    const path = join(dir, 'locked.sqlite');
    const l = await createLedger(path);
    const other = new Database(path);
    other.exec('BEGIN EXCLUSIVE');
    l.record(makeRecord({}));
    const flushed = l.flush();
    // Inline, the insert would wait on this thread for the lock (busy_timeout is 5 s) and this
    // timer could not fire until then.
    const t0 = Date.now();
    await new Promise((r) => setTimeout(r, 20));
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(l.stats().pending).toBe(1);
    other.exec('COMMIT');
    other.close();
    await flushed;
    expect(l.stats()).toMatchObject({ pending: 0, written: 1 });
    expect((await l.query())[0]?.requests).toBe(1);
    await l.close();
  });

  it('refuses to create a missing file when asked for an existing ledger', async () => {
    const path = join(dir, 'missing', 'ledger.sqlite');
    await expect(createLedger(`sqlite:${path}`, { mustExist: true })).rejects.toThrow(/no ledger database/);
    expect(existsSync(path)).toBe(false);
  });

  it('parses ledger URLs', () => {
    expect(parseLedgerUrl('sqlite:.pacer/ledger.sqlite')).toEqual({
      kind: 'sqlite',
      path: '.pacer/ledger.sqlite',
    });
    expect(parseLedgerUrl('sqlite:///var/lib/pacer.db')).toEqual({
      kind: 'sqlite',
      path: '/var/lib/pacer.db',
    });
    expect(parseLedgerUrl('/tmp/x.sqlite')).toEqual({ kind: 'sqlite', path: '/tmp/x.sqlite' });
    expect(parseLedgerUrl('postgres://u:p@h:5432/db')).toEqual({
      kind: 'postgres',
      url: 'postgres://u:p@h:5432/db',
    });
    expect(parseLedgerUrl('postgresql://h/db').kind).toBe('postgres');
    expect(() => parseLedgerUrl('mysql://h/db')).toThrow(/unsupported ledger URL/);
    expect(() => parseLedgerUrl('sqlite:')).toThrow(/no file path/);
    expect(() => parseLedgerUrl('  ')).toThrow(/empty/);
  });
});
