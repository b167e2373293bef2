/**
 * The gateway side of the SQLite writer thread: batches go over as rows of column values and
 * resolve when the thread has committed them. The thread starts on the first write and does not
 * keep the process alive; close() lets it finish what it has and stop.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { WriterMessage, WriterReply, WriterSetup } from './sqlite-writer-protocol.js';

export interface ThreadWriter {
  write(rows: (string | number | null)[][]): Promise<void>;
  close(): Promise<void>;
}

/**
 * The compiled writer script. Under the test runner this module is TypeScript source, and a
 * worker cannot load that: it runs the build's copy (npm test builds first).
 */
function writerScript(): URL | null {
  const here = import.meta.url;
  const url = here.endsWith('.ts')
    ? new URL('../../../dist/store/ledger/sqlite-writer.js', here)
    : new URL('./sqlite-writer.js', here);
  return existsSync(fileURLToPath(url)) ? url : null;
}

/** A writer thread for the database at `path`, or null where none can run (then write inline). */
export function createThreadWriter(path: string): ThreadWriter | null {
  const script = writerScript();
  if (!script) return null;
  let worker: Worker | null = null;
  let nextId = 1;
  const pending = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();

  const failAll = (err: Error): void => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };

  function start(): Worker {
    const w = new Worker(script as URL, { workerData: { path } satisfies WriterSetup });
    w.unref();
    w.on('message', (reply: WriterReply) => {
      const p = pending.get(reply.id);
      if (!p) return;
      pending.delete(reply.id);
      if (reply.ok) p.resolve();
      else p.reject(new Error(reply.error));
    });
    // A dead thread fails what it held (the batcher keeps those rows); the next write starts anew.
    w.on('error', (err) => {
      if (worker === w) worker = null;
      failAll(err);
    });
    w.on('exit', (code) => {
      if (worker === w) worker = null;
      failAll(new Error(`ledger writer thread exited with code ${code}`));
    });
    return w;
  }

  return {
    write(rows) {
      const w = (worker ??= start());
      const id = nextId++;
      return new Promise<void>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        w.postMessage({ kind: 'write', id, rows } satisfies WriterMessage);
      });
    },
    async close() {
      const w = worker;
      worker = null;
      if (!w) return;
      const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
      w.postMessage({ kind: 'close' } satisfies WriterMessage);
      await exited;
    },
  };
}
