/** One behaviour suite for every ledger adapter (SQLite, PostgreSQL). */
import { describe, expect, it } from 'vitest';
import { createSeededRng } from '../../../src/core/clock.js';
import type { Ledger, LedgerOptions, LedgerRecord } from '../../../src/store/ledger/types.js';

/** Opens the same store every time it is called within one test (so close + reopen works). */
export type OpenLedger = (opts?: LedgerOptions) => Promise<Ledger>;

export interface ContractTarget {
  /** A brand-new, empty store for one test. */
  fresh(): Promise<OpenLedger>;
}

const DAY = 86_400_000;
export const T0 = Date.parse('2026-03-01T00:00:00Z');

export function makeRecord(over: Partial<LedgerRecord> = {}): LedgerRecord {
  return {
    ts: T0,
    requestId: 'req_0',
    tenant: 'acme',
    keyId: 'key_1',
    model: 'gpt-4o-mini',
    route: 'chat.completions',
    tokensIn: 100,
    cached: 0,
    tokensOut: 50,
    reasoning: 0,
    costUsd: 0.001,
    pricingVersion: 'openai-2026-07-22',
    queueMs: 0,
    ttftMs: null,
    durationMs: 100,
    status: 200,
    retries: 0,
    ...over,
  };
}

function randomRecords(n: number, seed: number): LedgerRecord[] {
  const rng = createSeededRng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng.next() * xs.length)]!;
  return Array.from({ length: n }, (_, i) =>
    makeRecord({
      ts: T0 + Math.floor(rng.next() * 3 * DAY),
      requestId: `req_${i}`,
      tenant: pick(['acme', 'globex', 'initech']),
      model: pick(['gpt-4o-mini', 'gpt-4o', 'o3']),
      tokensIn: Math.floor(rng.next() * 5000),
      cached: Math.floor(rng.next() * 100),
      tokensOut: Math.floor(rng.next() * 2000),
      reasoning: Math.floor(rng.next() * 10),
      costUsd: Math.round(rng.next() * 1e6) / 1e8,
      ttftMs: rng.next() < 0.5 ? null : Math.floor(rng.next() * 500),
      durationMs: Math.floor(rng.next() * 3000),
      status: rng.next() < 0.1 ? 429 : 200,
    }),
  );
}

const sum = (rs: LedgerRecord[], f: (r: LedgerRecord) => number) => rs.reduce((a, r) => a + f(r), 0);

export function defineLedgerContract(name: string, target: ContractTarget): void {
  describe(`${name} ledger contract`, () => {
    it('keeps every record across close and reopen, and sums them exactly', async () => {
      const open = await target.fresh();
      const recs = randomRecords(2345, 7);
      const a = await open({ batchSize: 200, flushIntervalMs: 60_000 });
      for (const r of recs) a.record(r);
      await a.close();
      expect(a.stats()).toMatchObject({ pending: 0, written: 2345, dropped: 0 });

      const b = await open();
      const [total] = await b.query();
      await b.close();
      expect(total).toMatchObject({
        key: 'total',
        requests: 2345,
        errors: recs.filter((r) => r.status >= 400).length,
        tokensIn: sum(recs, (r) => r.tokensIn),
        cached: sum(recs, (r) => r.cached),
        tokensOut: sum(recs, (r) => r.tokensOut),
        reasoning: sum(recs, (r) => r.reasoning),
      });
      expect(total!.costUsd).toBeCloseTo(
        sum(recs, (r) => r.costUsd),
        9,
      );
    });

    it('loses nothing recorded just before close, with no timer or batch flush yet', async () => {
      const open = await target.fresh();
      const a = await open({ batchSize: 1_000_000, flushIntervalMs: 3_600_000 });
      for (let i = 0; i < 7; i++) a.record(makeRecord({ requestId: `r${i}` }));
      expect(a.stats().pending).toBe(7);
      await a.close();
      const b = await open();
      expect((await b.query())[0]?.requests).toBe(7);
      await b.close();
    });

    it('aggregates by model, most expensive first, with nearest-rank percentiles', async () => {
      const open = await target.fresh();
      const l = await open();
      const durations = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
      durations.forEach((d, i) =>
        l.record(makeRecord({ model: 'gpt-4o', durationMs: d, costUsd: 0.01, requestId: `a${i}` })),
      );
      l.record(
        makeRecord({
          model: 'gpt-4o-mini',
          durationMs: 5,
          costUsd: 0.0001,
          tokensIn: 7,
          cached: 3,
          tokensOut: 2,
          reasoning: 1,
        }),
      );
      l.record(
        makeRecord({
          model: 'gpt-4o-mini',
          durationMs: 15,
          costUsd: 0.0002,
          status: 500,
          tokensIn: 1,
          cached: 0,
          tokensOut: 1,
          reasoning: 0,
        }),
      );
      const rows = await l.query({ by: 'model' });
      await l.close();
      expect(rows.map((r) => r.key)).toEqual(['gpt-4o', 'gpt-4o-mini']);
      expect(rows[0]).toMatchObject({ requests: 10, errors: 0, tokensIn: 1000, p50Ms: 50, p95Ms: 100 });
      expect(rows[0]!.costUsd).toBeCloseTo(0.1, 12);
      expect(rows[1]).toMatchObject({
        requests: 2,
        errors: 1,
        tokensIn: 8,
        cached: 3,
        tokensOut: 3,
        reasoning: 1,
        p50Ms: 5,
        p95Ms: 15,
      });
      expect(rows[1]!.costUsd).toBeCloseTo(0.0003, 12);
    });

    it('aggregates by tenant and filters by tenant and time', async () => {
      const open = await target.fresh();
      const l = await open();
      l.record(makeRecord({ tenant: 'acme', ts: T0, costUsd: 1 }));
      l.record(makeRecord({ tenant: 'acme', ts: T0 + 1000, costUsd: 2 }));
      l.record(makeRecord({ tenant: 'globex', ts: T0 + 2000, costUsd: 5 }));
      l.record(makeRecord({ tenant: 'initech', ts: T0 - 1, costUsd: 100 }));
      expect((await l.query({ by: 'tenant', since: T0 })).map((r) => [r.key, r.requests, r.costUsd])).toEqual(
        [
          ['globex', 1, 5],
          ['acme', 2, 3],
        ],
      );
      expect(
        (await l.query({ tenant: 'acme', since: T0 + 1 })).map((r) => [r.key, r.requests, r.costUsd]),
      ).toEqual([['total', 1, 2]]);
      expect(await l.query({ tenant: 'acme', until: T0 })).toEqual([]);
      expect(await l.query({ tenant: 'nobody' })).toEqual([]);
      await l.close();
    });

    it('aggregates by UTC day, in day order, splitting exactly at midnight', async () => {
      const open = await target.fresh();
      const l = await open();
      l.record(makeRecord({ ts: T0 + 2 * DAY + 5 }));
      l.record(makeRecord({ ts: T0 + DAY - 1 }));
      l.record(makeRecord({ ts: T0 + DAY }));
      l.record(makeRecord({ ts: T0 }));
      const rows = await l.query({ by: 'day' });
      await l.close();
      expect(rows.map((r) => [r.key, r.requests])).toEqual([
        ['2026-03-01', 2],
        ['2026-03-02', 1],
        ['2026-03-03', 1],
      ]);
    });

    it('reports tenant spend including records not yet written', async () => {
      const open = await target.fresh();
      const l = await open({ batchSize: 1_000_000, flushIntervalMs: 3_600_000 });
      l.record(makeRecord({ tenant: 'acme', ts: T0, costUsd: 0.25 }));
      await l.flush();
      l.record(makeRecord({ tenant: 'acme', ts: T0 + 10, costUsd: 0.5 }));
      l.record(makeRecord({ tenant: 'acme', ts: T0 - 10, costUsd: 8 }));
      l.record(makeRecord({ tenant: 'globex', ts: T0 + 10, costUsd: 16 }));
      expect(l.stats().pending).toBe(3);
      expect(await l.tenantSpend('acme', T0)).toBeCloseTo(0.75, 12);
      expect(await l.tenantSpend('acme', T0 - 10)).toBeCloseTo(8.75, 12);
      expect(await l.tenantSpend('nobody', 0)).toBe(0);
      await l.flush();
      expect(await l.tenantSpend('acme', T0)).toBeCloseTo(0.75, 12);
      await l.close();
    });

    it('writes in the background when a batch fills and on the timer', async () => {
      const open = await target.fresh();
      const full = await open({ batchSize: 5, flushIntervalMs: 3_600_000 });
      for (let i = 0; i < 5; i++) full.record(makeRecord({ requestId: `b${i}` }));
      await waitFor(() => full.stats().written === 5);
      await full.close();

      const open2 = await target.fresh();
      const timed = await open2({ batchSize: 1_000_000, flushIntervalMs: 20 });
      timed.record(makeRecord());
      await waitFor(() => timed.stats().written === 1);
      await timed.close();
    });

    it('keeps records that arrive while a write is in flight', async () => {
      const open = await target.fresh();
      const l = await open({ batchSize: 50, flushIntervalMs: 3_600_000 });
      const flushes: Promise<void>[] = [];
      for (let i = 0; i < 1000; i++) {
        l.record(makeRecord({ requestId: `c${i}` }));
        if (i % 97 === 0) flushes.push(l.flush());
      }
      await Promise.all(flushes);
      const [total] = await l.query();
      await l.close();
      expect(total?.requests).toBe(1000);
    });

    it('writes a malformed record instead of letting it poison the batch', async () => {
      const open = await target.fresh();
      const l = await open();
      const bad = {
        ...makeRecord(),
        costUsd: Number.NaN,
        tokensIn: undefined,
        ttftMs: Infinity,
        tenant: null,
      };
      l.record(bad as unknown as LedgerRecord);
      l.record(makeRecord({ tenant: 'ok', costUsd: 0.5 }));
      await l.flush();
      const rows = await l.query({ by: 'tenant' });
      await l.close();
      expect(rows.map((r) => [r.key, r.requests, r.costUsd, r.tokensIn])).toEqual([
        ['ok', 1, 0.5, 100],
        ['', 1, 0, 0],
      ]);
    });

    it('returns no rows for an empty ledger and closes twice without error', async () => {
      const open = await target.fresh();
      const l = await open();
      expect(await l.query()).toEqual([]);
      expect(await l.query({ by: 'day' })).toEqual([]);
      await l.close();
      await l.close();
    });
  });
}

/** Polls a condition (bounded: 5 s) instead of sleeping a fixed time. */
export async function waitFor(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('condition not met within 5 s');
}
