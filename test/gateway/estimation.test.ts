/**
 * Estimation through the gateway: no false 413 from the character floor, 400 (not 500) for
 * content the API refuses or that is nested too deeply, and Responses follow-ups reserving the
 * history they are billed for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forgetResponses } from '../../src/gateway/estimate.js';
import { startHarness, type Harness } from './helpers.js';

let h: Harness;
beforeAll(async () => {
  // Room for a 150k-token reservation in one go.
  h = await startHarness({ tpm: 10_000_000, rpm: 10_000 } as never);
});
afterAll(async () => {
  await h?.close();
});

const post = (path: string, body: unknown): Promise<Response> =>
  fetch(`${h.gw.url}${path}`, {
    method: 'POST',
    headers: { authorization: 'Bearer pacer-demo-key', 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

const estimated = (res: Response): number => Number(res.headers.get('x-pacer-estimated-tokens'));

describe('context-window check', () => {
  it('lets "hello world " x 50000 (100 001 BPE tokens, 150 001 by characters) through on a 128k model', async () => {
    const res = await post('/chat/completions', {
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hello world '.repeat(50_000) }],
      max_tokens: 16,
    });
    expect(res.status).toBe(200);
    await res.json();
    // The reservation still follows OpenAI's character estimate: ceil((600 000 + 4) / 4) + 16.
    expect(estimated(res)).toBe(150_001 + 16);
  });

  it('still refuses a prompt over the window', async () => {
    const res = await post('/chat/completions', {
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hello world '.repeat(70_000) }], // ~140k tokens
      max_tokens: 16,
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('context_length_exceeded');
  });
});

describe('malformed content is a 400, never a 500', () => {
  // Built as text: JSON.stringify itself cannot write 10 000 levels.
  const nested = (levels: number): string => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);

  it("chat content that is an object (10 000 levels deep) -> the API's invalid_type", async () => {
    const res = await post(
      '/chat/completions',
      `{"model":"gpt-4o-mini","messages":[{"role":"user","content":${nested(10_000)}}]}`,
    );
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: Record<string, unknown> };
    expect(body.error).toEqual({
      message:
        "Invalid type for 'messages[0].content': expected one of a string or array of objects, but got an object instead.",
      type: 'invalid_request_error',
      param: 'messages[0].content',
      code: 'invalid_type',
    });
  });

  it('a tool schema or content part nested too deeply -> invalid_request_error naming the field', async () => {
    const tool = await post(
      '/chat/completions',
      `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f","parameters":${nested(10_000)}}}]}`,
    );
    expect(tool.status).toBe(400);
    expect(((await tool.json()) as { error: { param: string; type: string } }).error).toMatchObject({
      type: 'invalid_request_error',
      param: 'tools[0]',
    });
    const part = await post(
      '/responses',
      `{"model":"gpt-4o-mini","input":[{"role":"user","content":[{"type":"input_text","text":"x"},{"type":"odd","v":${nested(10_000)}}]}]}`,
    );
    expect(part.status).toBe(400);
    expect(((await part.json()) as { error: { param: string } }).error.param).toBe('input[0].content');
  });

  it('Responses input and message content of the wrong type', async () => {
    const input = await post('/responses', { model: 'gpt-4o-mini', input: { role: 'user' } });
    expect(input.status).toBe(400);
    expect(((await input.json()) as { error: { param: string } }).error.param).toBe('input');
    const content = await post('/responses', { model: 'gpt-4o-mini', input: [{ role: 'user', content: 5 }] });
    expect(content.status).toBe(400);
    expect(((await content.json()) as { error: { param: string } }).error.param).toBe('input[0].content');
  });
});

describe('previous_response_id reserves the history it is billed for', () => {
  type Resp = { id: string; usage: { total_tokens: number } };

  it('after a JSON answer', async () => {
    forgetResponses();
    const first = await post('/responses', {
      model: 'gpt-4o-mini',
      input: 'Tell me a story.',
      max_output_tokens: 40,
    });
    expect(first.status).toBe(200);
    const r = (await first.json()) as Resp;
    const plain = { model: 'gpt-4o-mini', input: 'And then?', max_output_tokens: 20 };
    const alone = await post('/responses', plain);
    await alone.json();
    const follow = await post('/responses', { ...plain, previous_response_id: r.id });
    await follow.json();
    expect(estimated(follow) - estimated(alone)).toBe(r.usage.total_tokens);
    // An id this gateway never saw: nothing reserved for it (see docs/decisions/007).
    const unknown = await post('/responses', { ...plain, previous_response_id: 'resp_unknown' });
    await unknown.json();
    expect(estimated(unknown)).toBe(estimated(alone));
  });

  it('after a JSON answer longer than the relay keeps of its tail', async () => {
    forgetResponses();
    // The answer echoes its tools: 400 with long descriptions make a body of several 64 KiB reads.
    const tools = Array.from({ length: 400 }, (_, i) => ({
      type: 'function',
      name: `tool_${i}`,
      description: `Looks up record ${i}. `.repeat(40),
      parameters: { type: 'object', properties: { id: { type: 'string' } } },
    }));
    const first = await post('/responses', {
      model: 'gpt-4o-mini',
      input: 'Tell me a story.',
      tools,
      tool_choice: 'none',
      max_output_tokens: 40,
    });
    const body = await first.text();
    // Well over the relay's 64 KiB tail: the id at the body's start is read from its first bytes.
    expect(body.length).toBeGreaterThan(4 * 64 * 1024);
    const r = JSON.parse(body) as Resp;
    const plain = { model: 'gpt-4o-mini', input: 'And then?', max_output_tokens: 20 };
    const alone = await post('/responses', plain);
    await alone.json();
    const follow = await post('/responses', { ...plain, previous_response_id: r.id });
    await follow.json();
    expect(estimated(follow) - estimated(alone)).toBe(r.usage.total_tokens);
  });

  it('after a streamed answer (the id comes from the terminal event)', async () => {
    forgetResponses();
    const first = await post('/responses', {
      model: 'gpt-4o-mini',
      input: 'Tell me a story.',
      max_output_tokens: 40,
      stream: true,
    });
    const text = await first.text();
    const completed = text
      .split('\n')
      .filter((l) => l.startsWith('data: '))
      .map((l) => JSON.parse(l.slice(6)) as { type: string; response?: Resp })
      .find((e) => e.type === 'response.completed' || e.type === 'response.incomplete');
    const r = completed?.response as Resp;
    expect(r.id).toMatch(/^resp_/);
    const plain = { model: 'gpt-4o-mini', input: 'And then?', max_output_tokens: 20 };
    const alone = await post('/responses', plain);
    await alone.json();
    const follow = await post('/responses', { ...plain, previous_response_id: r.id });
    await follow.json();
    expect(estimated(follow) - estimated(alone)).toBe(r.usage.total_tokens);
  });
});
