import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../src/core/clock.js';
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

describe('background responses, cancel, input_items and stream retrieval', () => {
  it('answers a background response queued, shows it in_progress, then completed', async () => {
    const clock = createManualClock(1_764_000_000_000);
    const { client } = await sims.start({ ttftMs: 1000, tokensPerS: 10 }, clock);
    const r = await client.responses.create({ model: 'gpt-4o-mini', input: 'Later.', background: true });
    expect(r.status).toBe('queued');
    expect(r.background).toBe(true);
    expect(r.output).toEqual([]);
    expect((await client.responses.retrieve(r.id)).status).toBe('in_progress');
    clock.advance(3_600_000);
    const done = await client.responses.retrieve(r.id);
    expect(done.status).toBe('completed');
    expect(done.output_text.length).toBeGreaterThan(0);
    expect(done.usage?.output_tokens).toBe(countTokens(done.output_text));
  });

  it('cancels a running background response, returns a finished one as it is, refuses a synchronous one', async () => {
    const clock = createManualClock(1_764_000_000_000);
    const { client } = await sims.start({ ttftMs: 1000, tokensPerS: 10 }, clock);
    const running = await client.responses.create({
      model: 'gpt-4o-mini',
      input: 'Stop me.',
      background: true,
    });
    const cancelled = await client.responses.cancel(running.id);
    expect(cancelled.status).toBe('cancelled');
    clock.advance(3_600_000);
    expect((await client.responses.retrieve(running.id)).status).toBe('cancelled');
    const finished = await client.responses.create({
      model: 'gpt-4o-mini',
      input: 'Done.',
      background: true,
    });
    clock.advance(3_600_000);
    expect((await client.responses.cancel(finished.id)).status).toBe('completed');
    const fast = (await sims.start()).client; // a synchronous answer without the slow latency
    const sync = await fast.responses.create({ model: 'gpt-4o-mini', input: 'Now.' });
    const err = await fast.responses.cancel(sync.id).catch((e: unknown) => e);
    expect(err).toMatchObject({
      status: 400,
      error: { message: 'Cannot cancel a synchronous response.', type: 'invalid_request_error' },
    });
    await expect(client.responses.cancel('resp_nope')).rejects.toMatchObject({ status: 404 });
  });

  it('lists the input items, newest first by default, with cursor paging', async () => {
    const { client } = await sims.start();
    const r = await client.responses.create({
      model: 'gpt-4o-mini',
      input: [
        { role: 'user', content: 'first' },
        { role: 'assistant', content: 'second' },
        { role: 'user', content: [{ type: 'input_text', text: 'third' }] },
      ],
    });
    const all = await client.responses.inputItems.list(r.id);
    const texts = all.data.map((i) =>
      i.type === 'message' ? i.content.map((p) => ('text' in p ? p.text : '')) : [],
    );
    expect(texts).toEqual([['third'], ['second'], ['first']]);
    expect(all.data.every((i) => i.type === 'message' && i.id.startsWith('msg_'))).toBe(true);
    expect(all.has_more).toBe(false);
    const page = await client.responses.inputItems.list(r.id, { limit: 1, order: 'asc' });
    expect(page.data).toHaveLength(1);
    expect(page.has_more).toBe(true);
    const ids: string[] = [];
    for await (const item of client.responses.inputItems.list(r.id, { limit: 1, order: 'asc' }))
      ids.push(item.id);
    expect(ids).toEqual([...all.data].reverse().map((i) => i.id));
    const one = await client.responses.inputItems.list(
      (await client.responses.create({ model: 'gpt-4o-mini', input: 'plain' })).id,
    );
    expect(one.data[0]).toMatchObject({
      type: 'message',
      role: 'user',
      content: [{ type: 'input_text', text: 'plain' }],
    });
  });

  it('replays a stored response as its event stream, after starting_after', async () => {
    const { client } = await sims.start({ seed: 5 });
    const r = await client.responses.create({ model: 'gpt-4o-mini', input: 'Replay me.', background: true });
    const events = [];
    for await (const e of await client.responses.retrieve(r.id, { stream: true })) events.push(e);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    const last = events[events.length - 1]!;
    expect(last.type).toBe('response.completed');
    const later = [];
    for await (const e of await client.responses.retrieve(r.id, { stream: true, starting_after: 3 }))
      later.push(e.sequence_number);
    expect(later).toEqual(events.slice(4).map((e) => e.sequence_number));
  });

  it('refuses to chain from a response it does not hold, as the API does', async () => {
    const { client } = await sims.start();
    const err = await client.responses
      .create({ model: 'gpt-4o-mini', input: 'Go on.', previous_response_id: 'resp_missing' })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({
      status: 400,
      error: {
        message: "Previous response with id 'resp_missing' not found.",
        param: 'previous_response_id',
        code: 'previous_response_not_found',
      },
    });
    const first = await client.responses.create({ model: 'gpt-4o-mini', input: 'Start.' });
    const next = await client.responses.create({
      model: 'gpt-4o-mini',
      input: 'Go on.',
      previous_response_id: first.id,
    });
    expect(next.previous_response_id).toBe(first.id);
  });
});
