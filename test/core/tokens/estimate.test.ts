import { describe, expect, it } from 'vitest';
import { estimate, reconcile, usageTotal } from '../../../src/core/tokens/estimate.js';
import { imageTokens } from '../../../src/core/tokens/image.js';
import { countTokens } from '../../../src/core/tokens/tokenizer.js';
import { findModel } from '../../../src/core/models.js';

const mini = findModel('gpt-4o-mini')!;
const emb = findModel('text-embedding-3-small')!;
const X = { charFloor: false };

describe('estimate: chat', () => {
  it('counts 3 per message, 1 per role, +1 for a name, 3 for reply priming, plus max_tokens', () => {
    const body = {
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', name: 'ann', content: 'Hello world' },
      ],
      max_tokens: 50,
    };
    const input =
      3 + 1 + countTokens('You are terse.') + 3 + 1 + countTokens('Hello world') + 1 + countTokens('ann') + 3;
    expect(estimate('chat', body, mini, X)).toEqual({ input, output: 50, total: input + 50 });
  });

  it('prefers max_completion_tokens and multiplies by n', () => {
    const e = estimate('chat', { messages: [], max_completion_tokens: 20, max_tokens: 999, n: 3 }, mini);
    expect(e.output).toBe(60);
  });

  it('falls back to a configured default output (per model or global), else 1024', () => {
    expect(estimate('chat', { messages: [] }, mini).output).toBe(1024);
    expect(estimate('chat', { messages: [] }, mini, { defaultMaxOutput: 300 }).output).toBe(300);
    expect(
      estimate('chat', { model: 'gpt-4o-mini', messages: [] }, mini, {
        defaultMaxOutput: { 'gpt-4o-mini': 77 },
      }).output,
    ).toBe(77);
    expect(estimate('chat', { messages: [] }, mini, { defaultMaxOutput: 10_000_000 }).output).toBe(
      mini.maxOutput,
    );
  });

  it('counts text parts and images by the tile rule', () => {
    const body = {
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: 'https://x/y.png', detail: 'low' } },
            { type: 'image_url', image_url: { url: 'https://x/z.png' } },
          ],
        },
      ],
      max_tokens: 1,
    };
    expect(estimate('chat', body, mini, X).input).toBe(3 + 1 + countTokens('What is this?') + 85 + 765 + 3);
  });

  it('counts tool definitions and tool calls', () => {
    const tools = [
      {
        type: 'function',
        function: {
          name: 'get_weather',
          parameters: { type: 'object', properties: { city: { type: 'string' } } },
        },
      },
    ];
    const without = estimate(
      'chat',
      { messages: [{ role: 'user', content: 'hi' }], max_tokens: 1 },
      mini,
      X,
    ).input;
    const withTools = estimate(
      'chat',
      { messages: [{ role: 'user', content: 'hi' }], tools, max_tokens: 1 },
      mini,
      X,
    ).input;
    expect(withTools - without).toBe(12 + 7 + countTokens(JSON.stringify(tools[0])));
  });
});

describe('estimate: responses and embeddings', () => {
  it('counts instructions, a string input and max_output_tokens', () => {
    const e = estimate(
      'responses',
      { instructions: 'Be brief.', input: 'Tell me a joke', max_output_tokens: 64 },
      mini,
      X,
    );
    expect(e.input).toBe(3 + 3 + 1 + countTokens('Be brief.') + 3 + 1 + countTokens('Tell me a joke'));
    expect(e.output).toBe(64);
  });

  it('counts message items, function calls and their outputs', () => {
    const e = estimate(
      'responses',
      {
        input: [
          { role: 'user', content: [{ type: 'input_text', text: 'weather?' }] },
          { type: 'function_call', call_id: 'c1', name: 'w', arguments: '{"city":"Oslo"}' },
          { type: 'function_call_output', call_id: 'c1', output: 'sunny' },
        ],
      },
      mini,
      X,
    );
    expect(e.input).toBe(
      3 +
        (3 + 1 + countTokens('weather?')) +
        (3 + countTokens('w{"city":"Oslo"}')) +
        (3 + countTokens('sunny')),
    );
  });

  it('embeddings count input only, with cl100k, for every input shape', () => {
    expect(estimate('embeddings', { input: 'hello there' }, emb, X)).toEqual({
      input: countTokens('hello there', 'cl100k_base'),
      output: 0,
      total: countTokens('hello there', 'cl100k_base'),
    });
    expect(estimate('embeddings', { input: ['a b', 'c'] }, emb, X).input).toBe(
      countTokens('a b', 'cl100k_base') + countTokens('c', 'cl100k_base'),
    );
    expect(estimate('embeddings', { input: [1, 2, 3] }, emb).input).toBe(3);
    expect(estimate('embeddings', { input: [[1, 2], [3]] }, emb).input).toBe(3);
  });

  it('never reserves less than the upstream charges by characters (ceil(chars / 4))', () => {
    const body = { messages: [{ role: 'user', content: 'a1b2c3d4e5f6g7h8i9j0'.repeat(50) }], max_tokens: 0 };
    const bpe = estimate('chat', body, mini, X).input;
    const floored = estimate('chat', body, mini).input;
    expect(floored).toBe(Math.max(bpe, Math.ceil((1000 + 4) / 4)));
    const cjk = { input: '漢字'.repeat(300) };
    expect(estimate('embeddings', cjk, emb).input).toBe(estimate('embeddings', cjk, emb, X).input); // BPE is higher there
  });

  it('counts huge texts on samples: never below the exact count, at most ~10 % above', () => {
    const words = [
      'pacing',
      'tokens',
      'gateway',
      'quota',
      'the',
      'a',
      'limit',
      'minute',
      'upstream',
      'burst',
      '42',
      'réponse',
      '漢字',
    ];
    let text = '';
    for (let i = 0; text.length < 120_000; i++)
      text += words[(i * 7919) % words.length] + (i % 11 ? ' ' : '.\n');
    const body = { input: text };
    const exact = estimate('embeddings', body, emb, { charFloor: false, sampleAboveChars: Infinity }).input;
    expect(exact).toBe(countTokens(text, 'cl100k_base'));
    const sampled = estimate('embeddings', body, emb, { charFloor: false }).input;
    expect(sampled).toBeGreaterThanOrEqual(exact);
    expect(sampled).toBeLessThanOrEqual(exact * 1.1);
  });

  it('is total on garbage', () => {
    expect(estimate('chat', null, mini).input).toBe(3);
    expect(estimate('responses', { input: 42 }, mini).input).toBe(3);
  });
});

describe('images', () => {
  it('follows the documented examples', () => {
    expect(imageTokens(1024, 1024, 'high')).toBe(765);
    expect(imageTokens(2048, 4096, 'high')).toBe(1105);
    expect(imageTokens(4096, 8192, 'low')).toBe(85);
    expect(imageTokens(undefined, undefined, 'auto')).toBe(765);
    expect(imageTokens(300, 200)).toBe(85 + 170);
  });
});

describe('usage and reconcile', () => {
  it('reads chat, responses, realtime and embeddings usage', () => {
    expect(usageTotal({ prompt_tokens: 19, completion_tokens: 10, total_tokens: 29 })).toBe(29);
    expect(usageTotal({ prompt_tokens: 19, completion_tokens: 10 })).toBe(29);
    expect(usageTotal({ input_tokens: 132, output_tokens: 121 })).toBe(253);
    expect(usageTotal({ prompt_tokens: 8, total_tokens: 8 })).toBe(8);
    expect(usageTotal(null)).toBeUndefined();
    expect(usageTotal({ foo: 1 })).toBeUndefined();
  });

  it('reconcile refunds (negative) or charges (positive) the difference', () => {
    expect(reconcile(1000, { prompt_tokens: 100, completion_tokens: 50 })).toBe(-850);
    expect(reconcile(100, { input_tokens: 100, output_tokens: 50 })).toBe(50);
    expect(reconcile(100, undefined)).toBe(0);
    expect(reconcile(100, 70)).toBe(-30);
  });
});
