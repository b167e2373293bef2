import { describe, expect, it } from 'vitest';
import { countTokens } from '../../src/core/tokens/tokenizer.js';
import { useSimulator } from './helpers.js';

const sims = useSimulator();
const messages = [
  { role: 'system' as const, content: 'You are terse.' },
  { role: 'user' as const, content: 'Say hello to the simulator.' },
];

describe('POST /v1/chat/completions', () => {
  it('answers JSON with the real shape, headers and exact usage', async () => {
    const { client } = await sims.start();
    const { data, response } = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages })
      .withResponse();
    expect(data.object).toBe('chat.completion');
    expect(data.id).toMatch(/^chatcmpl-/);
    expect(data.model).toBe('gpt-4o-mini-2024-07-18');
    const choice = data.choices[0]!;
    expect(choice.finish_reason).toBe('stop');
    expect(choice.message.role).toBe('assistant');
    const text = choice.message.content ?? '';
    expect(text.length).toBeGreaterThan(0);
    expect(data.usage?.completion_tokens).toBe(countTokens(text, 'o200k_base'));
    // 3 per message + role + content, + 3 priming.
    const expectedPrompt =
      3 + messages.reduce((n, m) => n + 3 + countTokens(m.role) + countTokens(m.content), 0);
    expect(data.usage?.prompt_tokens).toBe(expectedPrompt);
    expect(data.usage?.total_tokens).toBe(expectedPrompt + data.usage!.completion_tokens);
    expect(data.usage?.prompt_tokens_details).toEqual({
      cached_tokens: 0,
      cache_write_tokens: 0,
      audio_tokens: 0,
    });
    expect(data.usage?.completion_tokens_details?.reasoning_tokens).toBe(0);
    expect(response.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{32}$/);
    expect(response.headers.get('openai-version')).toBe('2020-10-01');
    expect(response.headers.get('openai-processing-ms')).toMatch(/^\d+$/);
    expect(response.headers.get('x-ratelimit-limit-requests')).toBe('500');
    expect(response.headers.get('x-ratelimit-limit-tokens')).toBe('200000');
    expect(response.headers.get('x-ratelimit-remaining-requests')).toBe('499');
    expect(response.headers.get('x-ratelimit-reset-requests')).toBe('120ms');
    expect(response.headers.get('x-ratelimit-reset-tokens')).toMatch(/^\d+(\.\d+)?m?s$/);
  });

  it('reports x-ratelimit-* as of admission even when the answer comes later', async () => {
    const { client } = await sims.start({ ttftMs: 300 });
    const { response } = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages, max_tokens: 100 })
      .withResponse();
    expect(response.headers.get('x-ratelimit-remaining-requests')).toBe('499');
    expect(Number(response.headers.get('x-ratelimit-remaining-tokens'))).toBeLessThanOrEqual(200_000 - 100);
  });

  it('is deterministic for (seed, request) and streams the same text and usage', async () => {
    const { client } = await sims.start({ seed: 7 });
    const a = await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
    const b = await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
    expect(b.choices[0]!.message.content).toBe(a.choices[0]!.message.content);

    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const c of stream) chunks.push(c);
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe(a.choices[0]!.message.content);
    const finish = chunks.filter((c) => c.choices[0]?.finish_reason);
    expect(finish).toHaveLength(1);
    expect(finish[0]!.choices[0]!.finish_reason).toBe('stop');
    const last = chunks[chunks.length - 1]!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual(a.usage);
    for (const c of chunks.slice(0, -1)) expect(c.usage).toBeNull();
    for (const c of chunks) expect(c.object).toBe('chat.completion.chunk');
  });

  it('ends the raw stream with data: [DONE] and omits usage when not asked', async () => {
    const { sim } = await sims.start();
    const r = await fetch(`${sim.url}/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-x', 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'gpt-4o-mini',
        messages,
        stream: true,
        stream_options: { include_obfuscation: false },
      }),
    });
    expect(r.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const text = await r.text();
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(text).not.toContain('"usage"');
    expect(text).not.toContain('obfuscation');
    expect(text).not.toContain('event:');
  });

  it('cuts at max_tokens with finish_reason length, in JSON and stream alike', async () => {
    const { client } = await sims.start({ medianOutputTokens: 200 });
    const r = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, max_tokens: 5 });
    expect(r.choices[0]!.finish_reason).toBe('length');
    expect(r.usage?.completion_tokens).toBe(5);
    expect(countTokens(r.choices[0]!.message.content ?? '')).toBe(5);
    const s = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      max_tokens: 5,
      stream: true,
    });
    let finish: string | null | undefined;
    for await (const c of s) finish = c.choices[0]?.finish_reason ?? finish;
    expect(finish).toBe('length');
  });

  it('gives reasoning models reasoning tokens and rejects max_tokens like the real API', async () => {
    const { client } = await sims.start();
    const r = await client.chat.completions.create({
      model: 'o4-mini',
      messages,
      max_completion_tokens: 2000,
    });
    const reasoning = r.usage?.completion_tokens_details?.reasoning_tokens ?? 0;
    expect(reasoning).toBeGreaterThan(0);
    expect(r.usage?.completion_tokens).toBe(reasoning + countTokens(r.choices[0]!.message.content ?? ''));
    const err = await client.chat.completions
      .create({ model: 'o4-mini', messages, max_tokens: 10 })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({
      status: 400,
      code: 'unsupported_parameter',
      param: 'max_tokens',
      type: 'invalid_request_error',
    });
  });

  it('returns n choices and a tool call when tool_choice is required', async () => {
    const { client } = await sims.start();
    const r = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, n: 3 });
    expect(r.choices.map((c) => c.index)).toEqual([0, 1, 2]);
    const tools = [
      {
        type: 'function' as const,
        function: {
          name: 'get_weather',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
      },
    ];
    const t = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      tools,
      tool_choice: 'required',
    });
    expect(t.choices[0]!.finish_reason).toBe('tool_calls');
    const call = t.choices[0]!.message.tool_calls![0]!;
    expect(call.type).toBe('function');
    if (call.type === 'function') {
      expect(call.function.name).toBe('get_weather');
      expect(JSON.parse(call.function.arguments)).toHaveProperty('city');
    }
    const s = await client.chat.completions.stream({
      model: 'gpt-4o-mini',
      messages,
      tools,
      tool_choice: 'required',
    });
    const final = await s.finalChatCompletion();
    expect(final.choices[0]!.message.tool_calls?.[0]).toMatchObject({ function: { name: 'get_weather' } });
  });
});

describe('latency and time-scale', () => {
  it('divides TTFT by the time scale (a 20 s median TTFT at scale 1000 answers at once)', async () => {
    const { client } = await sims.start({
      ttftMs: 20_000,
      tokensPerS: 1,
      timeScale: 1000,
      medianOutputTokens: 5,
    });
    const r = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, max_tokens: 5 });
    expect(r.choices[0]!.message.content!.length).toBeGreaterThan(0);
  });
});

describe('ids', () => {
  it('gives every response a well-formed, distinct x-request-id', async () => {
    const { client } = await sims.start();
    const ids = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const { response } = await client.models.list().withResponse();
      const id = response.headers.get('x-request-id') ?? '';
      expect(id).toMatch(/^req_[0-9a-f]{32}$/);
      ids.add(id);
    }
    expect(ids.size).toBe(12);
  });
});
