import { describe, expect, it } from 'vitest';
import { createBatcher } from '../../../src/store/ledger/batcher.js';
import type { LedgerRecord } from '../../../src/store/ledger/types.js';
import { makeRecord } from './contract.js';

/** A store that fails while `down` is set; what it accepted is in `rows`. */
function flakyStore() {
  const rows: LedgerRecord[] = [];
  const s = {
    down: false,
    rows,
    write: (batch: LedgerRecord[]) => {
      if (s.down) throw new Error('store down');
      rows.push(...batch);
    },
  };
  return s;
}

describe('ledger batcher', () => {
  it('keeps records through a failed write and writes them, in order, once the store is back', async () => {
    const store = flakyStore();
    const errors: string[] = [];
    const b = createBatcher({
      write: store.write,
      batchSize: 1e9,
      flushIntervalMs: 3_600_000,
      maxPending: 1000,
      onError: (e) => errors.push(e.message),
    });
    store.down = true;
    for (let i = 0; i < 5; i++) b.push(makeRecord({ requestId: `r${i}`, costUsd: 1 }));
    await expect(b.flush()).rejects.toThrow('store down');
    expect(errors).toEqual(['store down']);
    expect(b.stats()).toMatchObject({ pending: 5, written: 0, writeFailures: 1 });
    expect(b.pendingSpend('acme', 0)).toBe(5);
    b.push(makeRecord({ requestId: 'r5' }));
    store.down = false;
    await b.close();
    expect(store.rows.map((r) => r.requestId)).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5']);
    expect(b.stats()).toMatchObject({ pending: 0, written: 6 });
  });

  it('drops the oldest records past maxPending while the store fails, and counts them', async () => {
    const store = flakyStore();
    const b = createBatcher({
      write: store.write,
      batchSize: 1e9,
      flushIntervalMs: 3_600_000,
      maxPending: 3,
    });
    store.down = true;
    for (let i = 0; i < 5; i++) b.push(makeRecord({ requestId: `r${i}` }));
    await expect(b.flush()).rejects.toThrow();
    store.down = false;
    await b.close();
    expect(store.rows.map((r) => r.requestId)).toEqual(['r2', 'r3', 'r4']);
    expect(b.stats()).toMatchObject({ dropped: 2, written: 3 });
  });

  it('splits big backlogs into writes of at most maxWrite records', async () => {
    const sizes: number[] = [];
    const b = createBatcher({
      write: (batch) => void sizes.push(batch.length),
      batchSize: 1e9,
      flushIntervalMs: 3_600_000,
      maxPending: 1e6,
      maxWrite: 4,
    });
    for (let i = 0; i < 10; i++) b.push(makeRecord());
    await b.close();
    expect(sizes).toEqual([4, 4, 2]);
  });

  it('drops and reports records pushed after close', async () => {
    const errors: string[] = [];
    const b = createBatcher({
      write: () => undefined,
      batchSize: 10,
      flushIntervalMs: 3_600_000,
      maxPending: 10,
      onError: (e) => errors.push(e.message),
    });
    await b.close();
    b.push(makeRecord());
    expect(b.stats().dropped).toBe(1);
    expect(errors[0]).toMatch(/closed/);
  });
});
