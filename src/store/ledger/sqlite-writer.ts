/**
 * The SQLite ledger's writer thread. better-sqlite3 is synchronous: a batch insert, and above all
 * a WAL checkpoint with its fsync, held the gateway's event loop for milliseconds at a time and
 * showed in its p99 latency. Here the inserts run on a thread of their own; the gateway thread
 * keeps a connection for reads (WAL lets them run while this one writes).
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import {
  insertSql,
  type WriterMessage,
  type WriterReply,
  type WriterSetup,
} from './sqlite-writer-protocol.js';

const setup = workerData as WriterSetup;
const port = parentPort;
if (port) {
  const db = new Database(setup.path, { fileMustExist: true });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  const insert = db.prepare(insertSql());
  const insertMany = db.transaction((rows: unknown[][]) => {
    for (const r of rows) insert.run(r);
  });
  port.on('message', (m: WriterMessage) => {
    if (m.kind === 'close') {
      db.close();
      port.close();
      return;
    }
    let reply: WriterReply;
    try {
      insertMany(m.rows);
      reply = { id: m.id, ok: true };
    } catch (err) {
      reply = { id: m.id, ok: false, error: (err as Error).message };
    }
    port.postMessage(reply);
  });
}
