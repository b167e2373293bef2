/**
 * The in-memory batch in front of a ledger store: record() only pushes; writes happen on an
 * unref'd timer, when a batch fills, or on flush()/close(). One write at a time, in order.
 * A failed write keeps its records (at the front) for the next attempt.
 */
import { normalizeRecord, type LedgerRecord, type LedgerStats } from './types.js';

export interface BatcherOptions {
  write(batch: LedgerRecord[]): Promise<void> | void;
  batchSize: number;
  flushIntervalMs: number;
  maxPending: number;
  /** Largest batch handed to one write() call. */
  maxWrite?: number;
  onError?: ((err: Error) => void) | undefined;
}

export interface Batcher {
  push(rec: LedgerRecord): void;
  flush(): Promise<void>;
  close(): Promise<void>;
  /** Cost of the records not yet committed, for one tenant since a time. */
  pendingSpend(tenant: string, sinceMs: number): number;
  stats(): LedgerStats;
}

export function createBatcher(opts: BatcherOptions): Batcher {
  /** Records waiting for the next drain. */
  let queue: LedgerRecord[] = [];
  /** The records a drain is writing; those before `pos` are committed. */
  let backlog: LedgerRecord[] = [];
  let pos = 0;
  let chain: Promise<void> = Promise.resolve();
  let scheduled = false;
  let closed = false;
  const counters = { written: 0, dropped: 0, writeFailures: 0 };
  const maxWrite = opts.maxWrite ?? 5000;

  const report = (err: unknown) => opts.onError?.(err instanceof Error ? err : new Error(String(err)));
  const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve));

  async function drain(): Promise<void> {
    while (queue.length > 0) {
      backlog = queue;
      queue = [];
      pos = 0;
      while (pos < backlog.length) {
        const chunk = pos === 0 && backlog.length <= maxWrite ? backlog : backlog.slice(pos, pos + maxWrite);
        try {
          await opts.write(chunk);
        } catch (err) {
          counters.writeFailures++;
          queue = backlog.slice(pos).concat(queue);
          backlog = [];
          pos = 0;
          trim();
          report(err);
          throw err;
        }
        counters.written += chunk.length;
        pos += chunk.length;
        // Synchronous stores (SQLite) would otherwise hold the event loop for the whole backlog.
        if (pos < backlog.length) await yieldToIo();
      }
      backlog = [];
      pos = 0;
    }
  }

  function flush(): Promise<void> {
    const next = chain.then(drain);
    chain = next.catch(() => undefined);
    return next;
  }

  function background(): void {
    scheduled = false;
    // Failures were reported through onError; the records stay for the next attempt.
    if (queue.length > 0) flush().catch(() => undefined);
  }

  /** While the store fails, keep the newest maxPending records. */
  function trim(): void {
    const over = queue.length - opts.maxPending;
    if (over > 0) {
      queue.splice(0, over);
      counters.dropped += over;
    }
  }

  const timer = setInterval(background, opts.flushIntervalMs);
  timer.unref();

  return {
    push(rec) {
      if (closed) {
        counters.dropped++;
        report(new Error('ledger is closed; record dropped'));
        return;
      }
      queue.push(normalizeRecord(rec));
      if (queue.length > opts.maxPending) trim();
      if (queue.length >= opts.batchSize && !scheduled) {
        scheduled = true;
        setImmediate(background);
      }
    },
    flush,
    async close() {
      if (closed) return chain;
      closed = true;
      clearInterval(timer);
      await flush();
    },
    pendingSpend(tenant, sinceMs) {
      let usd = 0;
      for (const r of queue) if (r.tenant === tenant && r.ts >= sinceMs) usd += r.costUsd;
      for (let i = pos; i < backlog.length; i++) {
        const r = backlog[i]!;
        if (r.tenant === tenant && r.ts >= sinceMs) usd += r.costUsd;
      }
      return usd;
    },
    stats: () => ({ pending: queue.length + backlog.length - pos, ...counters }),
  };
}
