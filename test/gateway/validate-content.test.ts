import { describe, expect, it } from 'vitest';
import { PacerError } from '../../src/core/errors.js';
import { parseRequest, type InferenceRoute } from '../../src/gateway/validate.js';

const parse = (route: InferenceRoute, body: unknown) =>
  parseRequest(route, Buffer.from(JSON.stringify(body)));

function refusal(route: InferenceRoute, body: unknown): Record<string, unknown> {
  try {
    parse(route, body);
  } catch (err) {
    expect(err).toBeInstanceOf(PacerError);
    return (err as PacerError).toBody().error;
  }
  throw new Error('accepted');
}

describe('content types (as the API checks them)', () => {
  it('accepts string, array and null chat content, and Responses strings, arrays and non-message items', () => {
    expect(() =>
      parse('chat', {
        model: 'm',
        messages: [
          { role: 'user', content: 'hi' },
          { role: 'user', content: [{ type: 'text', text: 'hi' }] },
          { role: 'assistant', content: null, tool_calls: [] },
          { role: 'assistant', tool_calls: [] },
        ],
      }),
    ).not.toThrow();
    expect(() => parse('responses', { model: 'm', input: 'hi' })).not.toThrow();
    expect(() =>
      parse('responses', {
        model: 'm',
        input: [
          { role: 'user', content: 'hi' },
          { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'x' }] },
          { type: 'function_call_output', call_id: 'c', output: { any: 'shape' } },
        ],
      }),
    ).not.toThrow();
  });

  it('refuses other types with invalid_type naming the field', () => {
    expect(refusal('chat', { model: 'm', messages: [{ role: 'user', content: { a: 1 } }] })).toEqual({
      message:
        "Invalid type for 'messages[0].content': expected one of a string or array of objects, but got an object instead.",
      type: 'invalid_request_error',
      param: 'messages[0].content',
      code: 'invalid_type',
    });
    expect(refusal('chat', { model: 'm', messages: [{ role: 'user', content: 'ok' }, 'hi'] })).toMatchObject({
      param: 'messages[1]',
      message: "Invalid type for 'messages[1]': expected an object, but got a string instead.",
    });
    expect(refusal('responses', { model: 'm', input: 42 })).toMatchObject({
      param: 'input',
      code: 'invalid_type',
    });
    expect(refusal('responses', { model: 'm', input: [{ role: 'user', content: true }] })).toMatchObject({
      param: 'input[0].content',
      message:
        "Invalid type for 'input[0].content': expected one of a string or array of input content parts, but got a boolean instead.",
    });
  });
});
