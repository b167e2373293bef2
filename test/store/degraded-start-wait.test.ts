import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../src/core/clock.js';
import type { DimensionPolicy } from '../../src/core/limiter/index.js';
import { createDegradableQuotaStore, type DegradableQuotaStoreOptions } from '../../src/store/quota/index.js';

/** A shared store that is down: every call fails. */
const down = new Proxy(
  {},
  { get: (_t, k) => (k === 'then' ? undefined : () => Promise.reject(new Error('connection refused'))) },
) as DegradableQuotaStoreOptions['primary'];

const tpm: DimensionPolicy = {
  dim: 'tpm',
  unit: 'tokens',
  policy: { limit: 100_000, capacity: 1000, rate: 0.004 },
};

describe('degraded mode: startWait', () => {
  it('answers from the local 1/N share, as its takes do', async () => {
    const store = createDegradableQuotaStore({
      primary: down,
      defaultInstances: 4,
      clock: createManualClock(0),
    });
    // 1/4 of the burst (250 tokens), refilling at 1/4 of the rate (0.001 token/ms).
    expect(
      await store.startWait('p', [tpm], { requests: 0, tokens: 0 }, { requests: 1, tokens: 200 }),
    ).toEqual({
      waitMs: 0,
      levels: [250],
    });
    const behind = await store.startWait(
      'p',
      [tpm],
      { requests: 1, tokens: 200 },
      { requests: 1, tokens: 100 },
    );
    expect(behind.waitMs).toBeCloseTo(50_000, 6);
    expect(store.status().state).toBe('degraded');
    await store.close().catch(() => undefined);
  });
});
