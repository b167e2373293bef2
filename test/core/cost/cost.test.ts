import { describe, expect, it } from 'vitest';
import { costOf } from '../../../src/core/cost/cost.js';
import { CURRENT_PRICING, PRICING_HISTORY, findPrice, pricingAt } from '../../../src/core/cost/pricing.js';
import { parseUsage } from '../../../src/core/cost/usage.js';

// Expected values are worked out by hand from openai-api.md §7 (USD per 1M tokens).
describe('costOf', () => {
  it('prices gpt-4o-mini input and output', () => {
    // 1000 * 0.15/1M + 500 * 0.60/1M = 0.00015 + 0.0003
    const c = costOf({ model: 'gpt-4o-mini', inputTokens: 1000, outputTokens: 500 });
    expect(c.known).toBe(true);
    expect(c.usd).toBeCloseTo(0.00045, 12);
    expect(c.pricingVersion).toBe(CURRENT_PRICING.version);
  });

  it('bills cached input at the cached rate and the rest at the input rate', () => {
    // gpt-4o: 600 uncached * 2.50 + 400 cached * 1.25 + 200 out * 10 = 1500 + 500 + 2000 = 4000 micro-USD
    const c = costOf({ model: 'gpt-4o', inputTokens: 1000, cachedTokens: 400, outputTokens: 200 });
    expect(c.usd).toBeCloseTo(0.004, 12);
  });

  it('counts reasoning tokens once, inside output', () => {
    // o3: 1000 in * 2 + 3000 out (2500 of them reasoning) * 8 = 2000 + 24000 = 26000 micro-USD
    const c = costOf({ model: 'o3', inputTokens: 1000, outputTokens: 3000, reasoningTokens: 2500 });
    expect(c.usd).toBeCloseTo(0.026, 12);
  });

  it('resolves dated snapshots to their family', () => {
    // gpt-4.1-nano-2025-04-14: 10_000 in * 0.10 + 10_000 out * 0.40 = 5000 micro-USD
    const c = costOf({ model: 'gpt-4.1-nano-2025-04-14', inputTokens: 10_000, outputTokens: 10_000 });
    expect(c.usd).toBeCloseTo(0.005, 12);
    expect(findPrice('gpt-4o-2024-11-20')?.model).toBe('gpt-4o');
    expect(findPrice('gpt-realtime-1.5')?.model).toBe('gpt-realtime');
  });

  it('does not prefix-match a different model', () => {
    expect(findPrice('gpt-4o-mini-tts')).toBeUndefined();
    expect(findPrice('gpt-4o-mini-realtime-preview-2024-12-17')?.model).toBe('gpt-4o-mini-realtime-preview');
  });

  it('bills cached tokens at the input rate when the model has no discount (o1-pro)', () => {
    // 1000 in (500 "cached") * 150 + 100 out * 600 = 150000 + 60000 micro-USD
    const c = costOf({ model: 'o1-pro', inputTokens: 1000, cachedTokens: 500, outputTokens: 100 });
    expect(c.usd).toBeCloseTo(0.21, 12);
  });

  it('halves every rate for the Batch API', () => {
    // gpt-5-mini: (1000 * 0.25 + 1000 * 2) / 2 = 1125 micro-USD
    const c = costOf({ model: 'gpt-5-mini', inputTokens: 1000, outputTokens: 1000, batch: true });
    expect(c.usd).toBeCloseTo(0.001125, 12);
  });

  it('prices embeddings on input only', () => {
    // 1M tokens of text-embedding-3-small = $0.02
    expect(
      costOf({ model: 'text-embedding-3-small', inputTokens: 1_000_000, outputTokens: 0 }).usd,
    ).toBeCloseTo(0.02, 12);
  });

  it('splits realtime text and audio, with cached parts', () => {
    // gpt-realtime, the §6.6 response.done usage:
    //  text in 119 (64 cached): 55 * 4 + 64 * 0.40 = 220 + 25.6 = 245.6
    //  audio in 13: 13 * 32 = 416
    //  text out 30 * 16 = 480; audio out 91 * 64 = 5824
    //  total 6965.6 micro-USD
    const parsed = parseUsage({
      total_tokens: 253,
      input_tokens: 132,
      output_tokens: 121,
      input_token_details: {
        text_tokens: 119,
        audio_tokens: 13,
        image_tokens: 0,
        cached_tokens: 64,
        cached_tokens_details: { text_tokens: 64, audio_tokens: 0, image_tokens: 0 },
      },
      output_token_details: { text_tokens: 30, audio_tokens: 91 },
    });
    expect(parsed).toBeDefined();
    const c = costOf({ model: 'gpt-realtime-2025-08-28', ...parsed! });
    expect(c.usd).toBeCloseTo(0.0069656, 12);
  });

  it('prices a realtime model without a split as text', () => {
    // gpt-realtime-mini: 1000 text in * 0.60 + 1000 out * 2.40 = 3000 micro-USD
    expect(costOf({ model: 'gpt-realtime-mini', inputTokens: 1000, outputTokens: 1000 }).usd).toBeCloseTo(
      0.003,
      12,
    );
  });

  it('uses the oldest preview audio prices for gpt-4o-realtime-preview-2024-10-01', () => {
    // audio in 1000 * 100 + audio out 1000 * 200 = 300000 micro-USD
    const m = { textIn: 0, audioIn: 1000, textOut: 0, audioOut: 1000 };
    const c = costOf({
      model: 'gpt-4o-realtime-preview-2024-10-01',
      inputTokens: 1000,
      outputTokens: 1000,
      modalities: m,
    });
    expect(c.usd).toBeCloseTo(0.3, 12);
  });

  it('returns 0 and known=false for an unknown model', () => {
    const c = costOf({ model: 'ft:gpt-9-secret', inputTokens: 1000, outputTokens: 1000 });
    expect(c).toEqual({ usd: 0, known: false, pricingVersion: CURRENT_PRICING.version });
  });

  it('clamps nonsense: cached above input, negative counts', () => {
    // gpt-4o-mini: cached capped at 100 -> 100 * 0.075 = 7.5 micro-USD
    expect(
      costOf({ model: 'gpt-4o-mini', inputTokens: 100, cachedTokens: 500, outputTokens: -3 }).usd,
    ).toBeCloseTo(0.0000075, 14);
  });
});

describe('pricing versions', () => {
  it('picks the table in force at a time', () => {
    expect(pricingAt(Date.parse('2025-05-01T00:00:00Z')).version).toBe('openai-2025-04-16');
    expect(pricingAt(Date.parse('2025-06-10T00:00:00Z')).version).toBe(CURRENT_PRICING.version);
    expect(pricingAt(0).version).toBe(PRICING_HISTORY[0]!.version);
    // o3 before the cut: 1000 in * 10 + 1000 out * 40 = 50000 micro-USD
    const old = costOf(
      { model: 'o3', inputTokens: 1000, outputTokens: 1000 },
      pricingAt(Date.parse('2025-05-01T00:00:00Z')),
    );
    expect(old.usd).toBeCloseTo(0.05, 12);
    expect(old.pricingVersion).toBe('openai-2025-04-16');
  });

  it('prices every text model in the catalog', () => {
    for (const id of [
      'gpt-4o',
      'gpt-4o-mini',
      'gpt-4.1',
      'gpt-4.1-mini',
      'gpt-4.1-nano',
      'o3',
      'o4-mini',
      'o1-pro',
      'gpt-5',
      'gpt-5-mini',
      'gpt-5-nano',
    ]) {
      expect(findPrice(id), id).toBeDefined();
    }
  });
});

describe('parseUsage', () => {
  it('reads Chat Completions usage', () => {
    const u = parseUsage({
      prompt_tokens: 19,
      completion_tokens: 10,
      total_tokens: 29,
      prompt_tokens_details: { cached_tokens: 4, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 3, audio_tokens: 0 },
    });
    expect(u).toEqual({ inputTokens: 19, outputTokens: 10, cachedTokens: 4, reasoningTokens: 3 });
  });

  it('reads Responses usage', () => {
    const u = parseUsage({
      input_tokens: 36,
      input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
      output_tokens: 87,
      output_tokens_details: { reasoning_tokens: 64 },
      total_tokens: 123,
    });
    expect(u).toEqual({ inputTokens: 36, outputTokens: 87, cachedTokens: 0, reasoningTokens: 64 });
  });

  it('reads Embeddings usage and rejects garbage', () => {
    expect(parseUsage({ prompt_tokens: 8, total_tokens: 8 })).toEqual({
      inputTokens: 8,
      outputTokens: 0,
      cachedTokens: 0,
    });
    expect(parseUsage(null)).toBeUndefined();
    expect(parseUsage({ total_tokens: 'x' })).toBeUndefined();
  });
});
