/**
 * A client that hangs up before any answer byte: while its request waits for the upstream, and
 * while it is queued in the engine. Either way the reservation is freed at once, not when the
 * upstream would have answered.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness } from './helpers.js';
import type { Harness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const body = (content: string): string =>
  JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }], max_completion_tokens: 5 });

async function until(check: () => boolean): Promise<boolean> {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  return check();
}

describe('client disconnect before the answer', () => {
  it('aborts the upstream call while waiting for its headers', async () => {
    h = await startHarness({ ttftMs: 30_000 });
    const ac = new AbortController();
    const sent = fetch(`${h.gw.url}/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer pacer-demo-key', 'content-type': 'application/json' },
      body: body('hi'),
      signal: ac.signal,
    }).catch(() => undefined);
    const pool = (): { inFlight: number } | undefined =>
      h!.gw.gateway.context.engine.snapshot().find((p) => p.pool === 'gpt-4o-mini');
    expect(await until(() => (pool()?.inFlight ?? 0) === 1)).toBe(true);
    ac.abort();
    await sent;
    // The upstream would answer in 30 s: only an aborted upstream call frees the lease now.
    expect(await until(() => pool()?.inFlight === 0)).toBe(true);
    expect(await until(() => h!.logs.some((l) => (JSON.parse(l) as { status: number }).status === 499))).toBe(
      true,
    );
  });

  it('leaves the engine queue when it hangs up while queued', async () => {
    // 1 RPM: the first request takes the only slot, the second waits in the queue.
    h = await startHarness({}, { config: { pools: { mini: { rpm: 1, models: ['gpt-4o-mini'] } } } });
    const first = await h.client().chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
      max_completion_tokens: 5,
    });
    expect(first.object).toBe('chat.completion');
    const ac = new AbortController();
    const sent = fetch(`${h.gw.url}/chat/completions`, {
      method: 'POST',
      headers: {
        authorization: 'Bearer pacer-demo-key',
        'content-type': 'application/json',
        'x-pacer-deadline-ms': '120000',
      },
      body: body('again'),
      signal: ac.signal,
    }).catch(() => undefined);
    const queued = (): number => {
      const q = h!.gw.gateway.context.engine.snapshot().find((p) => p.pool === 'mini')?.queued;
      return q ? q.interactive + q.default + q.batch : 0;
    };
    expect(await until(() => queued() === 1)).toBe(true);
    ac.abort();
    await sent;
    expect(await until(() => queued() === 0)).toBe(true);
  });
});
