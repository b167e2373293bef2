import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../src/core/clock.js';
import { useSimulator } from './helpers.js';

const sims = useSimulator();
const msg = [{ role: 'user' as const, content: 'hi' }];

async function statusOf(p: Promise<unknown>): Promise<number> {
  try {
    await p;
    return 200;
  } catch (e) {
    return (e as { status: number }).status;
  }
}

describe('rate limits like the real service', () => {
  it('charges input estimate + requested max output against TPM: 400 + 400 pass, a third 400 is a 429', async () => {
    const { client } = await sims.start({ tpm: 1000, rpm: 6000 }, createManualClock(Date.now()));
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: msg, max_tokens: 400 });
    const { response } = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: msg, max_tokens: 400 })
      .withResponse();
    // ceil(len("user"+"hi")/4) = 2 charged per request for the input.
    expect(response.headers.get('x-ratelimit-remaining-tokens')).toBe(String(1000 - 804));
    const err = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: msg, max_tokens: 400 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    const e = err as InstanceType<typeof OpenAI.RateLimitError>;
    expect(e.type).toBe('tokens');
    expect(e.code).toBe('rate_limit_exceeded');
    expect(e.message).toMatch(
      /^429 Rate limit reached for gpt-4o-mini in organization org-pacer-sim on tokens per min \(TPM\): Limit 1000, Used \d+, Requested 402\. Please try again in \d+(\.\d+)?m?s\. Visit https:\/\/platform\.openai\.com\/account\/rate-limits to learn more\.$/,
    );
    // As api.openai.com: whole seconds, at least 1, and no retry-after-ms (openai-api.md §9).
    const ra = e.headers?.get('retry-after');
    expect(ra).toMatch(/^[1-9]\d*$/);
    expect(e.headers?.get('retry-after-ms')).toBeNull();
    expect(e.headers?.get('x-ratelimit-limit-tokens')).toBe('1000');
  });

  it('rejects a burst that fits the minute (sub-minute slices), counting 429s against RPM', async () => {
    const { client, sim } = await sims.start({ rpm: 60 }, createManualClock(Date.now()));
    const statuses = await Promise.all(
      Array.from({ length: 5 }, () =>
        statusOf(client.chat.completions.create({ model: 'gpt-4o-mini', messages: msg, max_tokens: 5 })),
      ),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 429)).toHaveLength(4);
    const err = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: msg })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 429, type: 'requests' });
    expect((err as Error).message).toContain('on requests per min (RPM): Limit 60');
    // 1 accepted + 5 rejected, all counted against RPM.
    expect(
      Number(
        (err as InstanceType<typeof OpenAI.RateLimitError>).headers?.get('x-ratelimit-remaining-requests'),
      ),
    ).toBeLessThanOrEqual(54);
    expect(sim.stats()).toMatchObject({ requests: 6, accepted: 1, rejected_429: 5 });
  });

  it('lets one request of the whole TPM through when idle, and answers "Request too large" above it', async () => {
    const { client } = await sims.start({ tpm: 1000 });
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: msg, max_tokens: 990 });
    const err = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: msg, max_tokens: 2000 })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 429, type: 'tokens', code: 'rate_limit_exceeded' });
    expect((err as Error).message).toContain(
      'Request too large for gpt-4o-mini in organization org-pacer-sim on tokens per min (TPM): Limit 1000, Requested 2002.',
    );
  });

  it('answers insufficient_quota without retry-after once --quota-tokens is spent', async () => {
    const { client } = await sims.start({ quotaTokens: 10 });
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: msg });
    const err = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: msg })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 429, type: 'insufficient_quota', code: 'insufficient_quota' });
    expect((err as InstanceType<typeof OpenAI.RateLimitError>).headers?.get('retry-after')).toBeNull();
  });

  it('adds retry-after-ms only when retryAfterMs is on (as Azure OpenAI does)', async () => {
    const { client } = await sims.start({ tpm: 100, retryAfterMs: true });
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: msg, max_tokens: 90 });
    const err = (await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: msg, max_tokens: 90 })
      .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.RateLimitError>;
    expect(err.status).toBe(429);
    const raMs = Number(err.headers?.get('retry-after-ms'));
    expect(raMs).toBeGreaterThanOrEqual(50_000);
    expect(Number(err.headers?.get('retry-after'))).toBe(Math.max(1, Math.ceil(raMs / 1000)));
  });

  it('time-scale divides windows: reset headers shrink and the bucket refills in scaled time', async () => {
    // Time-scale 20: a minute lasts 3 s.
    const { client } = await sims.start({ timeScale: 20, tpm: 1000, rpm: 6000 });
    const { response } = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: msg, max_tokens: 900 })
      .withResponse();
    // 902 tokens of a 1000-per-3 s bucket: about 2.7 s to full.
    const reset = response.headers.get('x-ratelimit-reset-tokens')!;
    expect(reset).toMatch(/^2\.\d+s$/);
    const err = (await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: msg, max_tokens: 900 })
      .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.RateLimitError>;
    expect(err.status).toBe(429);
    expect(err.headers?.get('retry-after-ms')).toBeNull();
    // Whole simulated seconds, scaled like the reset headers: a fraction of a wall second.
    const waitMs = Number(err.headers?.get('retry-after')) * 1000;
    expect(waitMs).toBeGreaterThan(0);
    expect(waitMs).toBeLessThan(3000);
    expect(Math.round((waitMs * 20) / 1000)).toBe((waitMs * 20) / 1000);
    await new Promise((r) => setTimeout(r, waitMs + 20));
    await expect(
      client.chat.completions.create({ model: 'gpt-4o-mini', messages: msg, max_tokens: 900 }),
    ).resolves.toBeTruthy();
  });

  it('settles the charge to actual usage when settleUsage is on', async () => {
    const { client, sim } = await sims.start({ tpm: 1000, rpm: 6000, settleUsage: true });
    const r = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: msg, max_tokens: 500 });
    expect(sim.stats().tokens_charged).toBe(r.usage!.total_tokens);
  });
});
