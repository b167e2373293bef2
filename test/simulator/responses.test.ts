import { describe, expect, it } from 'vitest';
import { countTokens } from '../../src/core/tokens/tokenizer.js';
import { useSimulator } from './helpers.js';

const sims = useSimulator();

describe('POST /v1/responses', () => {
  it('answers JSON with the real Response shape and exact usage', async () => {
    const { client } = await sims.start();
    const r = await client.responses.create({
      model: 'gpt-4o-mini',
      input: 'Write one sentence.',
      instructions: 'Be brief.',
    });
    expect(r.object).toBe('response');
    expect(r.id).toMatch(/^resp_/);
    expect(r.status).toBe('completed');
    expect(r.model).toBe('gpt-4o-mini-2024-07-18');
    expect(r.output).toHaveLength(1);
    const item = r.output[0]!;
    expect(item.type).toBe('message');
    expect(r.output_text.length).toBeGreaterThan(0);
    expect(r.usage?.output_tokens).toBe(countTokens(r.output_text));
    expect(r.usage?.input_tokens_details).toEqual({ cached_tokens: 0, cache_write_tokens: 0 });
    expect(r.usage?.output_tokens_details).toEqual({ reasoning_tokens: 0 });
    expect(r.usage?.total_tokens).toBe(r.usage!.input_tokens + r.usage!.output_tokens);
    expect(r.incomplete_details).toBeNull();
  });

  it('streams events in the real order with sequence_number from 0, same text and usage as JSON', async () => {
    const { client, sim } = await sims.start({ seed: 3 });
    const json = await client.responses.create({ model: 'gpt-4o-mini', input: 'Tell me a story.' });
    const stream = await client.responses.create({
      model: 'gpt-4o-mini',
      input: 'Tell me a story.',
      stream: true,
    });
    const events = [];
    for await (const e of stream) events.push(e);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    const types = events.map((e) => e.type);
    const deltas = types.filter((t) => t === 'response.output_text.delta').length;
    expect(types).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      ...Array<string>(deltas).fill('response.output_text.delta'),
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    const text = events.flatMap((e) => (e.type === 'response.output_text.delta' ? [e.delta] : [])).join('');
    expect(text).toBe(json.output_text);
    expect(deltas).toBe(json.usage?.output_tokens);
    const done = events[events.length - 1]!;
    if (done.type !== 'response.completed') throw new Error('no completed');
    expect(done.response.usage).toEqual(json.usage);
    const d = events.find((e) => e.type === 'response.output_text.delta')!;
    expect(d).toHaveProperty('obfuscation');
    expect(d).toHaveProperty('logprobs', []);

    const raw = await fetch(`${sim.url}/responses`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-x', 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'gpt-4o-mini',
        input: 'Hi',
        stream: true,
        stream_options: { include_obfuscation: false },
      }),
    });
    const body = await raw.text();
    expect(body).not.toContain('[DONE]');
    expect(body).not.toContain('obfuscation');
    expect(
      body.startsWith('event: response.created\ndata: {"type":"response.created","sequence_number":0,'),
    ).toBe(true);
  });

  it('goes incomplete at max_output_tokens, in JSON and stream', async () => {
    const { client } = await sims.start({ medianOutputTokens: 300 });
    const r = await client.responses.create({
      model: 'gpt-4o-mini',
      input: 'Long answer please',
      max_output_tokens: 16,
    });
    expect(r.status).toBe('incomplete');
    expect(r.incomplete_details).toEqual({ reason: 'max_output_tokens' });
    expect(r.usage?.output_tokens).toBe(16);
    const s = await client.responses.create({
      model: 'gpt-4o-mini',
      input: 'Long answer please',
      max_output_tokens: 16,
      stream: true,
    });
    let last = '';
    for await (const e of s) last = e.type;
    expect(last).toBe('response.incomplete');
  });

  it('puts a reasoning item first for reasoning models and counts reasoning tokens', async () => {
    const { client } = await sims.start();
    const r = await client.responses.create({
      model: 'gpt-5',
      input: 'Think.',
      reasoning: { effort: 'low' },
    });
    expect(r.output[0]!.type).toBe('reasoning');
    expect(r.output[1]!.type).toBe('message');
    const reasoning = r.usage!.output_tokens_details.reasoning_tokens;
    expect(reasoning).toBeGreaterThan(0);
    expect(r.usage!.output_tokens).toBe(reasoning + countTokens(r.output_text));
    const s = client.responses.stream({ model: 'gpt-5', input: 'Think.' });
    const final = await s.finalResponse();
    expect(final.output.map((o) => o.type)).toEqual(['reasoning', 'message']);
  });

  it('emits a function_call when tool_choice is required', async () => {
    const { client } = await sims.start();
    const tools = [
      {
        type: 'function' as const,
        name: 'lookup',
        strict: false,
        parameters: {
          type: 'object',
          properties: { q: { type: 'string' }, n: { type: 'integer' } },
          required: ['q', 'n'],
        },
      },
    ];
    const r = await client.responses.create({
      model: 'gpt-4o-mini',
      input: 'Find it',
      tools,
      tool_choice: 'required',
    });
    const call = r.output[0]!;
    expect(call.type).toBe('function_call');
    if (call.type === 'function_call') {
      expect(call.name).toBe('lookup');
      expect(call.call_id).toMatch(/^call_/);
      expect(JSON.parse(call.arguments)).toEqual({ q: 'sample', n: 42 });
    }
    const s = await client.responses.create({
      model: 'gpt-4o-mini',
      input: 'Find it',
      tools,
      tool_choice: 'required',
      stream: true,
    });
    const types: string[] = [];
    for await (const e of s) types.push(e.type);
    expect(types).toContain('response.function_call_arguments.delta');
    expect(types.slice(-3)).toEqual([
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
  });
});

describe('POST /v1/responses/input_tokens', () => {
  it('counts input tokens exactly as the response usage does', async () => {
    const { client } = await sims.start();
    const body = { model: 'gpt-4o-mini', input: 'Count me please.', instructions: 'Be brief.' };
    const counted = await client.responses.inputTokens.count(body);
    const r = await client.responses.create(body);
    expect(counted).toMatchObject({ object: 'response.input_tokens', input_tokens: r.usage!.input_tokens });
  });
});

describe('GET / DELETE /v1/responses/{id}', () => {
  it('retrieves a stored response and deletes it', async () => {
    const { client } = await sims.start();
    const r = await client.responses.create({ model: 'gpt-4o-mini', input: 'Remember me.' });
    const got = await client.responses.retrieve(r.id);
    expect(got.output_text).toBe(r.output_text);
    expect(got.usage).toEqual(r.usage);
    await client.responses.delete(r.id);
    const err = await client.responses.retrieve(r.id).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 404 });
    const unstored = await client.responses.create({
      model: 'gpt-4o-mini',
      input: 'Forget me.',
      store: false,
    });
    await expect(client.responses.retrieve(unstored.id)).rejects.toMatchObject({ status: 404 });
  });
});
