/**
 * A chat stream without include_usage (the SDK's default) carries no usage: the tenant's budget
 * is settled as the pool's lease is, with the input plus the events streamed, not the estimate.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'pacer-stream-settle-'));
const KEY = 'pk-stream-0123456789';
const TPM = 20_000;
const MAX_TOKENS = 3000;

let h: Harness;
beforeAll(async () => {
  h = await startHarness(
    {},
    {
      config: {
        keys_db: join(dir, 'keys.sqlite'),
        ledger: 'off',
        plans: { p: { tpm: TPM } },
        tenants: { t: { plan: 'p', keys: [KEY] } },
      },
    },
  );
});
afterAll(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('tenant budget after streams without usage', () => {
  it('charges what streamed, not the max_tokens reservation', async () => {
    const client = h.client({ apiKey: KEY });
    let streamed = 0;
    for (let i = 0; i < 3; i++) {
      const stream = await client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: `hello ${i}` }],
        max_tokens: MAX_TOKENS,
        stream: true,
      });
      for await (const chunk of stream) {
        expect(chunk.usage ?? null).toBeNull();
        streamed++;
      }
    }
    expect(streamed).toBeGreaterThan(3);
    const probe = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }], max_completion_tokens: 5 })
      .withResponse();
    const remaining = Number(probe.response.headers.get('x-ratelimit-remaining-tokens'));
    const spent = TPM - remaining;
    // Keeping each stream's estimate would have spent over 3 x 3000 (less a second's refill).
    expect(spent).toBeGreaterThan(0);
    expect(spent).toBeLessThan(MAX_TOKENS);
  });
});
