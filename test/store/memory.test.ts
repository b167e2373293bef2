import { createManualClock } from '../../src/core/clock.js';
import { createMemoryQuotaStore } from '../../src/store/quota/index.js';
import { defineQuotaStoreContract } from './contract.js';

defineQuotaStoreContract('memory', async () => {
  const clock = createManualClock(1_764_000_000_000);
  const store = createMemoryQuotaStore({ clock });
  return {
    store,
    slackMs: 0,
    seed: async (pool, dim, level, elapsedMs) =>
      store.load(pool, dim, { level, at: clock.now() - elapsedMs }),
    advance: async (ms) => clock.advance(ms),
  };
});
