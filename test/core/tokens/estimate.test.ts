import { describe, expect, it } from 'vitest';
import { estimate, reconcile, usageTotal, type Route } from '../../../src/core/tokens/estimate.js';
import { PacerError } from '../../../src/core/errors.js';
import { countTokens } from '../../../src/core/tokens/tokenizer.js';
import { clearTokenCountCache } from '../../../src/core/tokens/count-cache.js';
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
    expect(estimate('chat', body, mini, X)).toEqual({
      input,
      reservedInput: input,
      history: 0,
      output: 50,
      total: input + 50,
    });
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

  it('counts text parts and images by the tile rule (an unknown size as 2048x2048)', () => {
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
    // gpt-4o-mini's documented tile rule: 2833 base + 5667 per tile; low detail = base only;
    // 2048x2048 -> 768x768 -> 4 tiles.
    const gpt4o = findModel('gpt-4o')!;
    expect(estimate('chat', body, mini, X).input).toBe(
      3 + 1 + countTokens('What is this?') + 2833 + (2833 + 4 * 5667) + 3,
    );
    expect(estimate('chat', body, gpt4o, X).input).toBe(3 + 1 + countTokens('What is this?') + 85 + 765 + 3);
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
    const n = countTokens('hello there', 'cl100k_base');
    expect(estimate('embeddings', { input: 'hello there' }, emb, X)).toEqual({
      input: n,
      reservedInput: n,
      history: 0,
      output: 0,
      total: n,
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
    const floored = estimate('chat', body, mini);
    expect(floored.reservedInput).toBe(Math.max(bpe, Math.ceil((1000 + 4) / 4)));
    expect(floored.input).toBe(bpe); // the floor is a reservation, not what the model reads
    expect(floored.total).toBe(floored.reservedInput);
    const cjk = { input: '漢字'.repeat(300) };
    expect(estimate('embeddings', cjk, emb).reservedInput).toBe(estimate('embeddings', cjk, emb, X).input); // BPE is higher there
  });

  it('keeps a prompt that fits the context window under it: "hello world " x 50000 is 100 001 tokens', () => {
    const text = 'hello world '.repeat(50_000);
    expect(countTokens(text)).toBe(100_001); // 'hello', ' world', ' ' ... x 50000, + the trailing space
    const e = estimate('chat', { messages: [{ role: 'user', content: text }], max_tokens: 1000 }, mini);
    // Sampled (600 000 characters), without margin: within 1 % of the exact count.
    const bpe = 3 + 1 + 100_001 + 3;
    expect(Math.abs(e.input - bpe)).toBeLessThanOrEqual(bpe * 0.01);
    expect(e.input + 1000).toBeLessThan(mini.contextWindow);
    // The reservation still follows OpenAI's character estimate: 600 000 / 4.
    expect(e.reservedInput).toBe(Math.ceil((600_000 + 4) / 4));
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
    clearTokenCountCache(); // the exact count above would be found in the cache
    const sampled = estimate('embeddings', body, emb, { charFloor: false });
    expect(sampled.reservedInput).toBeGreaterThanOrEqual(exact);
    expect(sampled.reservedInput).toBeLessThanOrEqual(exact * 1.1);
    // The margin is 5 % of the sampled count, on the reservation only.
    expect(sampled.reservedInput).toBe(sampled.input + Math.ceil(sampled.input * 0.05));
  });

  it('is total on garbage', () => {
    expect(estimate('chat', null, mini).input).toBe(3);
    expect(estimate('responses', { input: 42 }, mini).input).toBe(3);
  });
});

describe('structured-output schemas', () => {
  const schema = {
    type: 'object',
    properties: { name: { type: 'string' }, tags: { type: 'array', items: { type: 'string' } } },
    required: ['name', 'tags'],
    additionalProperties: false,
  };

  it('counts chat response_format json_schema as its JSON plus the 8-token frame', () => {
    const base = { messages: [{ role: 'user', content: 'hi' }], max_tokens: 1 };
    const jsonSchema = { name: 'person', strict: true, schema };
    const without = estimate('chat', base, mini, X).input;
    const withSchema = estimate(
      'chat',
      { ...base, response_format: { type: 'json_schema', json_schema: jsonSchema } },
      mini,
      X,
    ).input;
    // "# Response Formats\n\n## \n\n// \n" is 8 o200k tokens (the harmony frame).
    expect(countTokens('# Response Formats\n\n## \n\n// \n')).toBe(8);
    expect(withSchema - without).toBe(8 + countTokens(JSON.stringify(jsonSchema)));
    // json_object and text carry no schema.
    expect(estimate('chat', { ...base, response_format: { type: 'json_object' } }, mini, X).input).toBe(
      without,
    );
  });

  it('counts Responses text.format json_schema the same way', () => {
    const format = { type: 'json_schema', name: 'person', strict: true, schema };
    const base = { input: 'hi', max_output_tokens: 1 };
    const without = estimate('responses', base, mini, X).input;
    const withSchema = estimate('responses', { ...base, text: { format, verbosity: 'low' } }, mini, X).input;
    expect(withSchema - without).toBe(8 + countTokens(JSON.stringify(format)));
    expect(estimate('responses', { ...base, text: { format: { type: 'text' } } }, mini, X).input).toBe(
      without,
    );
  });
});

describe('default output per model', () => {
  const o3 = findModel('o3')!;
  const rt = findModel('gpt-realtime')!;

  it('looks up the request model, then its family, then its pool, then "default"', () => {
    const d = { 'gpt-4o-mini-2024-07-18': 11, 'gpt-4o-mini': 22, realtime: 33, default: 44 };
    const out = (model: string, info = mini): number =>
      estimate('chat', { model, messages: [] }, info, { defaultMaxOutput: d }).output;
    expect(out('gpt-4o-mini-2024-07-18')).toBe(11);
    expect(out('gpt-4o-mini-2099-01-01')).toBe(22); // a snapshot resolved to its family
    expect(out('gpt-realtime', rt)).toBe(33); // the catalog pool
    expect(out('o3', o3)).toBe(44);
    expect(estimate('chat', { model: 'o3', messages: [] }, o3, { defaultMaxOutput: { x: 1 } }).output).toBe(
      1024,
    );
  });

  it('never reads the object prototype for a model named like one of its keys', () => {
    const odd = { ...mini, id: 'constructor' };
    const e = estimate('chat', { model: 'toString', messages: [] }, odd, {
      defaultMaxOutput: { default: 5 },
    });
    expect(e.output).toBe(5);
  });
});

describe('pathological bodies', () => {
  const deep = (levels: number): unknown => {
    let v: unknown = 'x';
    for (let i = 0; i < levels; i++) v = { a: v };
    return v;
  };

  it('answers a 400 naming the field, not a crash, for JSON nested too deeply to serialise', () => {
    const cases: [Route, Record<string, unknown>, string][] = [
      ['chat', { messages: [{ role: 'user', content: deep(10_000) }] }, 'messages[0].content'],
      [
        'chat',
        { messages: [{ role: 'user', content: 'hi' }], tools: [{ type: 'function' }, deep(10_000)] },
        'tools[1]',
      ],
      [
        'chat',
        { messages: [{ role: 'user', content: [{ type: 'mystery', v: deep(10_000) }] }] },
        'messages[0].content',
      ],
      [
        'responses',
        {
          input: [
            { role: 'user', content: 'a' },
            { type: 'other', v: deep(10_000) },
          ],
        },
        'input[1]',
      ],
      [
        'responses',
        { input: 'a', text: { format: { type: 'json_schema', schema: deep(10_000) } } },
        'text.format',
      ],
    ];
    for (const [route, body, param] of cases) {
      let thrown: unknown;
      try {
        estimate(route, body, mini);
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(PacerError);
      expect((thrown as PacerError).status).toBe(400);
      expect((thrown as PacerError).toBody().error).toMatchObject({ type: 'invalid_request_error', param });
    }
  });

  it('still counts reasonably nested JSON', () => {
    expect(
      estimate('chat', { messages: [{ role: 'user', content: deep(100) }] }, mini).input,
    ).toBeGreaterThan(100);
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
