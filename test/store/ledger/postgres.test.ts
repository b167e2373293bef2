import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLedger } from '../../../src/store/ledger/index.js';
import { postgresUnavailable, startPostgres, type PostgresServer } from '../../helpers/postgres.js';
import { defineLedgerContract, makeRecord } from './contract.js';

let server: PostgresServer | undefined;
let dbUrl = '';
let n = 0;

/** A schema per test (much cheaper than a database per test), selected through search_path. */
async function freshSchemaUrl(): Promise<string> {
  const schema = `t${n++}`;
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  await client.query(`CREATE SCHEMA ${schema}`);
  await client.end();
  return `${dbUrl}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
}

describe.skipIf(postgresUnavailable !== undefined)('postgres ledger', () => {
  beforeAll(async () => {
    server = await startPostgres();
    dbUrl = await server.createDatabase('ledger');
  });
  afterAll(async () => {
    await server?.close();
  });

  defineLedgerContract('postgres', {
    fresh: async () => {
      const url = await freshSchemaUrl();
      return (opts) => createLedger(url, opts);
    },
  });

  it('migrates once when several instances open the same database at the same time', async () => {
    const url = await freshSchemaUrl();
    const ledgers = await Promise.all([createLedger(url), createLedger(url), createLedger(url)]);
    ledgers.forEach((l, i) => l.record(makeRecord({ requestId: `i${i}` })));
    await Promise.all(ledgers.map((l) => l.flush()));
    expect((await ledgers[0]!.query())[0]?.requests).toBe(3);
    await Promise.all(ledgers.map((l) => l.close()));
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const res = await client.query('SELECT version FROM pacer_migrations');
    await client.end();
    expect(res.rows).toEqual([{ version: 1 }]);
  });

  it('writes batches larger than one INSERT statement holds', async () => {
    const url = await freshSchemaUrl();
    const l = await createLedger(url, { batchSize: 10_000, flushIntervalMs: 3_600_000 });
    for (let i = 0; i < 2500; i++) l.record(makeRecord({ requestId: `big${i}`, tokensIn: i }));
    await l.flush();
    const [total] = await l.query();
    await l.close();
    expect(total).toMatchObject({ requests: 2500, tokensIn: (2499 * 2500) / 2 });
  });

  it('keeps records while the server is down and writes them when it is back', async () => {
    const url = await freshSchemaUrl();
    const errors: string[] = [];
    const l = await createLedger(url, {
      batchSize: 1e6,
      flushIntervalMs: 3_600_000,
      onError: (e) => errors.push(e.message),
    });
    l.record(makeRecord({ requestId: 'before', costUsd: 1 }));
    await l.flush();
    await server!.stop();
    try {
      l.record(makeRecord({ requestId: 'during1', costUsd: 2 }));
      l.record(makeRecord({ requestId: 'during2', costUsd: 4 }));
      await expect(l.flush()).rejects.toThrow();
      expect(errors.length).toBeGreaterThan(0);
      expect(l.stats()).toMatchObject({ pending: 2, written: 1 });
    } finally {
      await server!.start();
    }
    await l.flush();
    const [total] = await l.query();
    await l.close();
    expect(total).toMatchObject({ requests: 3, costUsd: 7 });
  });

  it('fails to open with a clear error when the server is unreachable', async () => {
    await expect(createLedger('postgres://pacer@127.0.0.1:1/nope')).rejects.toThrow(/ECONNREFUSED|connect/);
  });
});
