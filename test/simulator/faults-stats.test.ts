import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../src/core/clock.js';
import { useSimulator } from './helpers.js';

const sims = useSimulator();
const msg = [{ role: 'user' as const, content: 'hi' }];

async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (e instanceof OpenAI.APIConnectionError) return 'conn';
    return String((e as { status?: number }).status ?? (e as Error).name);
  }
}

describe('faults (seeded)', () => {
  it('gives the same 429 burst schedule for the same seed', async () => {
    const runs: string[][] = [];
    for (let k = 0; k < 2; k++) {
      const { client } = await sims.start({ seed: 11, fault429: 0.2, rpm: 100_000 });
      const seq: string[] = [];
      for (let i = 0; i < 30; i++)
        seq.push(await outcome(client.chat.completions.create({ model: 'gpt-4o-mini', messages: msg })));
      runs.push(seq);
    }
    expect(runs[0]).toEqual(runs[1]);
    const seq = runs[0]!;
    expect(seq.filter((s) => s === '429').length).toBeGreaterThan(1);
    // Bursts: some 429 is followed by another 429.
    expect(seq.some((s, i) => s === '429' && seq[i + 1] === '429')).toBe(true);
  });

  it('answers 500/503 server_error bodies and counts them', async () => {
    const { client, sim } = await sims.start({ fault5xx: 1 });
    const err = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: msg })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect(err).toMatchObject({ type: 'server_error' });
    expect(sim.stats().errors_5xx).toBe(1);
  });

  it('resets connections', async () => {
    const { client } = await sims.start({ faultReset: 1 });
    const results = [];
    for (let i = 0; i < 4; i++)
      results.push(await outcome(client.chat.completions.create({ model: 'gpt-4o-mini', messages: msg })));
    expect(results).toEqual(['conn', 'conn', 'conn', 'conn']);
  });

  it('stalls a stream mid-way, then drops the socket', async () => {
    const { client } = await sims.start({ faultStall: 1, stallMs: 200, medianOutputTokens: 200, seed: 5 });
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: msg,
      stream: true,
    });
    let text = '';
    const err = await (async () => {
      for await (const c of stream) text += c.choices[0]?.delta.content ?? '';
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    const full = await sims.start({ medianOutputTokens: 200, seed: 5 });
    const whole = await full.client.chat.completions.create({ model: 'gpt-4o-mini', messages: msg });
    expect(whole.choices[0]!.message.content!.startsWith(text)).toBe(true);
    expect(text.length).toBeLessThan(whole.choices[0]!.message.content!.length);
  });
});

describe('GET /sim/stats', () => {
  it('returns exactly the SimStats shape with a per-second timeline', async () => {
    const { client, sim } = await sims.start({ rpm: 60 }, createManualClock(Date.now()));
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: msg, max_tokens: 10 });
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: msg }).catch(() => undefined);
    const r = await fetch(sim.url.replace(/\/v1$/, '/sim/stats'));
    const s = (await r.json()) as Record<string, unknown>;
    expect(Object.keys(s).sort()).toEqual([
      'accepted',
      'client_secrets_minted',
      'errors_5xx',
      'realtime_sessions',
      'rejected_429',
      'requests',
      'timeline',
      'tokens_charged',
      'tokens_in',
      'tokens_out',
    ]);
    expect(s).toMatchObject({ requests: 2, accepted: 1, rejected_429: 1, errors_5xx: 0, tokens_charged: 12 });
    expect(s['tokens_in']).toBeGreaterThan(0);
    expect(s['tokens_out']).toBeGreaterThan(0);
    const tl = s['timeline'] as {
      t: number;
      accepted: number;
      rejected_429: number;
      tokens_charged: number;
    }[];
    expect(tl.length).toBeGreaterThanOrEqual(1);
    const now = Math.floor(Date.now() / 1000);
    expect(Math.abs(tl[tl.length - 1]!.t - now)).toBeLessThanOrEqual(2);
    expect(tl.reduce((n, e) => n + e.accepted, 0)).toBe(1);
    expect(tl.reduce((n, e) => n + e.rejected_429, 0)).toBe(1);
    expect(Object.keys(tl[0]!).sort()).toEqual(['accepted', 'rejected_429', 't', 'tokens_charged']);
    const reset = await fetch(sim.url.replace(/\/v1$/, '/sim/reset'), { method: 'POST' });
    expect(reset.status).toBe(200);
    expect(sim.stats()).toMatchObject({ requests: 0, timeline: [] });
  });
});
