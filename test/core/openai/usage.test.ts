import { describe, expect, it } from 'vitest';
import { SseDecoder } from '../../../src/core/openai/sse.js';
import { normalizeUsage, usageFromJsonText, usageFromSseEvent } from '../../../src/core/openai/usage.js';

describe('usage extraction', () => {
  it('normalises chat, responses and embeddings usage', () => {
    expect(
      normalizeUsage({
        prompt_tokens: 19,
        completion_tokens: 10,
        total_tokens: 29,
        prompt_tokens_details: { cached_tokens: 4 },
        completion_tokens_details: { reasoning_tokens: 2 },
      }),
    ).toEqual({ input: 19, output: 10, cached: 4, reasoning: 2, total: 29 });
    expect(
      normalizeUsage({
        input_tokens: 36,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: 87,
        output_tokens_details: { reasoning_tokens: 5 },
        total_tokens: 123,
      }),
    ).toEqual({ input: 36, output: 87, cached: 0, reasoning: 5, total: 123 });
    expect(normalizeUsage({ prompt_tokens: 8, total_tokens: 8 })).toEqual({
      input: 8,
      output: 0,
      cached: 0,
      reasoning: 0,
      total: 8,
    });
    expect(normalizeUsage(null)).toBeNull();
  });

  it('finds usage at the tail of a JSON body, ignoring "usage" inside strings', () => {
    const body = JSON.stringify({
      id: 'x',
      choices: [{ message: { content: 'the "usage": {"prompt_tokens": 999} trick' } }],
      usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 },
    });
    expect(usageFromJsonText(body)?.total).toBe(7);
    const resp = JSON.stringify({
      object: 'response',
      usage: { input_tokens: 1, output_tokens: 2, total_tokens: 3 },
      user: null,
      metadata: { k: 'usage' },
    });
    expect(usageFromJsonText(resp)?.output).toBe(2);
    expect(usageFromJsonText('{"usage":null}')).toBeNull();
    expect(usageFromJsonText('{"usage":{"prompt_tokens":1')).toBeNull();
  });

  it('reads the chat final usage chunk from SSE split at every byte', () => {
    const stream =
      'data: {"id":"c","choices":[{"index":0,"delta":{"content":"Hi"}}],"usage":null}\n\n' +
      'data: {"id":"c","choices":[],"usage":{"prompt_tokens":14,"completion_tokens":3,"total_tokens":17}}\n\n' +
      'data: [DONE]\n\n';
    const dec = new SseDecoder();
    const bytes = new TextEncoder().encode(stream);
    const found = [];
    for (const b of bytes)
      for (const ev of dec.push(new Uint8Array([b]))) found.push(usageFromSseEvent('chat', ev));
    expect(found.filter(Boolean)).toEqual([{ input: 14, output: 3, cached: 0, reasoning: 0, total: 17 }]);
  });

  it('reads responses usage from response.completed and response.incomplete only', () => {
    const created = {
      event: 'response.created',
      data: JSON.stringify({ type: 'response.created', response: { usage: null } }),
    };
    const done = {
      event: 'response.completed',
      data: JSON.stringify({
        type: 'response.completed',
        response: { usage: { input_tokens: 5, output_tokens: 6, total_tokens: 11 } },
      }),
    };
    const incomplete = {
      event: 'response.incomplete',
      data: JSON.stringify({
        type: 'response.incomplete',
        response: { usage: { input_tokens: 5, output_tokens: 2, total_tokens: 7 } },
      }),
    };
    expect(usageFromSseEvent('responses', created)).toBeNull();
    expect(usageFromSseEvent('responses', done)?.total).toBe(11);
    expect(usageFromSseEvent('responses', incomplete)?.total).toBe(7);
  });

  it('carries the Responses id from a whole JSON body (compact or pretty-printed), never from a cut tail', () => {
    const body = {
      id: 'resp_68af4030592c81938ec0a5fbab4a3e9f05438e46b5f69a3b',
      object: 'response',
      previous_response_id: 'resp_earlier',
      output: [
        { id: 'msg_1', type: 'message', content: [{ type: 'output_text', text: '{"id": "resp_fake"}' }] },
      ],
      usage: { input_tokens: 10, output_tokens: 5, total_tokens: 15 },
    };
    expect(usageFromJsonText(JSON.stringify(body))?.responseId).toBe(body.id);
    expect(usageFromJsonText(JSON.stringify(body, null, 2))?.responseId).toBe(body.id);
    const tail = JSON.stringify(body).slice(60); // the relay keeps only the last 64 KiB
    expect(usageFromJsonText(tail)?.total).toBe(15);
    expect(usageFromJsonText(tail)?.responseId).toBeUndefined();
    const chat = JSON.stringify({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      usage: { prompt_tokens: 1, completion_tokens: 1 },
    });
    expect(usageFromJsonText(chat)?.responseId).toBeUndefined();
  });

  it('carries the Responses id from the terminal stream event', () => {
    const done = {
      event: 'response.completed',
      data: JSON.stringify({
        type: 'response.completed',
        response: {
          id: 'resp_abc',
          object: 'response',
          usage: { input_tokens: 5, output_tokens: 6, total_tokens: 11 },
        },
      }),
    };
    expect(usageFromSseEvent('responses', done)).toEqual({
      input: 5,
      output: 6,
      cached: 0,
      reasoning: 0,
      total: 11,
      responseId: 'resp_abc',
    });
  });
});
