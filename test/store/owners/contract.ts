/**
 * One behaviour suite for every owner store (memory, SQLite, Redis): the same cases, run by
 * owners.test.ts against each adapter.
 */
import { describe, expect, it } from 'vitest';
import type { BatchInputSummary } from '../../../src/core/openai/batch-input.js';
import type { OwnerStore } from '../../../src/store/owners/index.js';

export interface OwnerHarness {
  store: OwnerStore;
  /** Another handle on the same data (a second gateway instance); memory: the same store. */
  peer(): Promise<OwnerStore>;
  /** Lets `ms` pass on the store's clock (manual clock, or a real wait for Redis). */
  advance(ms: number): Promise<void>;
  /** Whether the data outlives every handle (SQLite file, Redis): checked by closing and reopening. */
  durable: boolean;
}

const SUMMARY: BatchInputSummary = {
  models: ['gpt-4o-mini', 'o1-pro'],
  endpoints: ['/v1/chat/completions'],
  lines: 3,
  invalidLines: 1,
  estimatedTokens: 120,
  complete: true,
};

let n = 0;
const fresh = (prefix: string): string => `${prefix}${process.pid}x${n++}`;

export function defineOwnerStoreContract(name: string, open: () => Promise<OwnerHarness>): void {
  describe(`owner store contract: ${name}`, () => {
    it('records an owner and reads it back, with a batch input summary', async () => {
      const { store } = await open();
      const file = fresh('file-');
      const batch = fresh('batch_');
      expect(await store.claim(file, { tenant: 'acme', input: SUMMARY })).toBe('acme');
      expect(await store.claim(batch, { tenant: 'acme' })).toBe('acme');
      expect(await store.get(file)).toEqual({ tenant: 'acme', input: SUMMARY });
      expect(await store.get(batch)).toEqual({ tenant: 'acme' });
      expect(await store.get(fresh('file-'))).toBeUndefined();
    });

    it('keeps the first owner: a later claim by another tenant changes nothing', async () => {
      const { store } = await open();
      const id = fresh('file-');
      expect(await store.claim(id, { tenant: 'acme' })).toBe('acme');
      expect(await store.claim(id, { tenant: 'beta', input: SUMMARY })).toBe('acme');
      expect(await store.get(id)).toEqual({ tenant: 'acme' });
    });

    it('answers many ids in order, with holes, past any batching of the lookup', async () => {
      const { store } = await open();
      const ids = Array.from({ length: 1203 }, () => fresh('file-'));
      await Promise.all(ids.map((id, i) => (i % 3 === 0 ? store.claim(id, { tenant: `t${i % 2}` }) : null)));
      const got = await store.getMany(ids);
      expect(got).toHaveLength(ids.length);
      got.forEach((r, i) => expect(r).toEqual(i % 3 === 0 ? { tenant: `t${i % 2}` } : undefined));
      expect(await store.getMany([])).toEqual([]);
    });

    it('forgets a released id, which can then be claimed again', async () => {
      const { store } = await open();
      const id = fresh('resp_');
      await store.claim(id, { tenant: 'acme' });
      await store.release(id);
      expect(await store.get(id)).toBeUndefined();
      await store.release(id); // releasing twice is harmless
      expect(await store.claim(id, { tenant: 'beta' })).toBe('beta');
    });

    it('lets a record with a ttl expire, and an expired id be claimed anew', async () => {
      const h = await open();
      const id = fresh('resp_');
      const kept = fresh('file-');
      await h.store.claim(id, { tenant: 'acme' }, 150);
      await h.store.claim(kept, { tenant: 'acme' });
      expect(await h.store.get(id)).toEqual({ tenant: 'acme' });
      await h.advance(400);
      expect(await h.store.get(id)).toBeUndefined();
      expect(await h.store.getMany([id, kept])).toEqual([undefined, { tenant: 'acme' }]);
      expect(await h.store.claim(id, { tenant: 'beta' })).toBe('beta');
    });

    it('agrees across two handles: concurrent claims of one id all see one owner', async () => {
      const h = await open();
      const other = await h.peer();
      const id = fresh('batch_');
      const answers = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          (i % 2 === 0 ? h.store : other).claim(id, { tenant: i % 2 === 0 ? 'acme' : 'beta' }),
        ),
      );
      expect(new Set(answers).size).toBe(1);
      expect((await other.get(id))?.tenant).toBe(answers[0]);
      expect((await h.store.get(id))?.tenant).toBe(answers[0]);
    });

    it('keeps records when every handle is closed and a new one opens (durable stores)', async () => {
      const h = await open();
      if (!h.durable) return;
      const id = fresh('file-');
      await h.store.claim(id, { tenant: 'acme', input: SUMMARY });
      await h.store.close();
      const again = await h.peer();
      expect(await again.get(id)).toEqual({ tenant: 'acme', input: SUMMARY });
    });
  });
}
