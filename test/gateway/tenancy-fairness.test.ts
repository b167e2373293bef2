import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startHarness } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'pacer-fair-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('weighted fair sharing across tenants through the gateway', () => {
  it('two backlogged tenants with weights 1 and 3 are served about 1:3 on a tiny pool', async () => {
    const h = await startHarness(
      {},
      {
        config: {
          keys_db: join(dir, 'keys.sqlite'),
          ledger: 'off',
          // 20 requests/s with almost no burst: the queue decides who goes next.
          pools: { tiny: { rpm: 1200, models: ['gpt-4o-mini'] } },
          burst_seconds: 0.05,
          headroom: 0,
          plans: { light: { weight: 1 }, heavy: { weight: 3 } },
          tenants: {
            light: { plan: 'light', keys: ['pk-light-0123456789'] },
            heavy: { plan: 'heavy', keys: ['pk-heavy-0123456789'] },
          },
        },
      },
    );
    try {
      const served: string[] = [];
      const send = (tenant: string) =>
        h
          .client({ apiKey: `pk-${tenant}-0123456789` })
          .chat.completions.create({
            model: 'gpt-4o-mini',
            messages: [{ role: 'user', content: 'x' }],
            max_completion_tokens: 1,
          })
          .then(() => void served.push(tenant));
      const all: Promise<void>[] = [];
      for (let i = 0; i < 40; i++) all.push(send('light'), send('heavy'));
      await Promise.all(all);
      // While both are backlogged (the first 40 served), shares follow the weights.
      const window = served.slice(8, 48); // the first 4 of each queue as default, the rest as batch
      const heavy = window.filter((t) => t === 'heavy').length;
      const light = window.length - heavy;
      expect(heavy / Math.max(1, light)).toBeGreaterThan(2);
      expect(heavy / Math.max(1, light)).toBeLessThan(4.5);
    } finally {
      await h.close();
    }
  }, 20_000);
});
