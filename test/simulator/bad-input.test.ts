import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { rawPost, useSimulator } from './helpers.js';

const sims = useSimulator();
type Err = { error: { message: string; type: string; param: string | null; code: string | null } };

describe('bad input like the real API', () => {
  it('rejects malformed JSON with the real 400', async () => {
    const { sim } = await sims.start();
    const r = await rawPost(sim.url, '/chat/completions', '{"model": ');
    expect(r.status).toBe(400);
    const b = (await r.json()) as Err;
    expect(b.error.type).toBe('invalid_request_error');
    expect(b.error.message).toMatch(/could not parse the JSON body/);
    expect(r.headers.get('x-request-id')).toMatch(/^req_/);
  });

  it('names the parameter for missing, wrong-typed and unknown fields', async () => {
    const { sim } = await sims.start();
    const cases: [string, string, Partial<Err['error']>][] = [
      [
        '/chat/completions',
        '{"messages":[{"role":"user","content":"hi"}]}',
        { message: 'you must provide a model parameter' },
      ],
      [
        '/chat/completions',
        '{"model":"gpt-4o-mini"}',
        { param: 'messages', code: 'missing_required_parameter' },
      ],
      [
        '/chat/completions',
        '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"max_tokens":"5"}',
        {
          param: 'max_tokens',
          code: 'invalid_type',
          message: "Invalid type for 'max_tokens': expected an integer, but got a string instead.",
        },
      ],
      [
        '/chat/completions',
        '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"foo":1}',
        { param: 'foo', message: 'Unrecognized request argument supplied: foo' },
      ],
      [
        '/chat/completions',
        '{"model":"gpt-4o-mini","messages":[{"role":"robot","content":"hi"}]}',
        { param: 'messages[0].role', code: 'invalid_value' },
      ],
      [
        '/chat/completions',
        '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"max_tokens":20000}',
        { param: 'max_tokens', code: 'invalid_value' },
      ],
      [
        '/responses',
        '{"model":"gpt-4o-mini","input":"hi","foo":1}',
        { param: 'foo', code: 'unknown_parameter', message: "Unknown parameter: 'foo'." },
      ],
      [
        '/responses',
        '{"model":"gpt-4o-mini","input":"hi","max_output_tokens":8}',
        { param: 'max_output_tokens', code: 'integer_below_min_value' },
      ],
      ['/responses', '{"input":"hi"}', { param: 'model', code: 'missing_required_parameter' }],
    ];
    for (const [path, body, expected] of cases) {
      const r = await rawPost(sim.url, path, body);
      expect(r.status, body).toBe(400);
      expect(((await r.json()) as Err).error, body).toMatchObject({
        type: 'invalid_request_error',
        ...expected,
      });
    }
  });

  it('counts a rejected request against the model pool RPM', async () => {
    const { sim } = await sims.start();
    const r = await rawPost(sim.url, '/chat/completions', '{"model":"gpt-4o-mini","messages":[]}');
    expect(r.status).toBe(400);
    expect(r.headers.get('x-ratelimit-remaining-requests')).toBe('499');
  });

  it('404s unknown models with the real message', async () => {
    const { client } = await sims.start();
    const err = await client.chat.completions
      .create({ model: 'gpt-x', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect(err).toMatchObject({
      code: 'model_not_found',
      message: expect.stringContaining('The model `gpt-x` does not exist or you do not have access to it.'),
    });
  });

  it('400s context overflow with context_length_exceeded', async () => {
    const { client } = await sims.start({ tpm: 10_000_000 });
    const big = 'lorem ipsum dolor '.repeat(50_000);
    const err = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: big }] })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 400, code: 'context_length_exceeded', param: 'messages' });
  });

  it('401s missing keys, and wrong keys when a key is required', async () => {
    const { sim } = await sims.start({ apiKey: 'sk-right' });
    const none = await fetch(`${sim.url}/models`);
    expect(none.status).toBe(401);
    expect(((await none.json()) as Err).error.code).toBe('invalid_api_key');
    const wrong = new OpenAI({ baseURL: sim.url, apiKey: 'sk-wrong-key-000000', maxRetries: 0 });
    const err = await wrong.models.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(err).toMatchObject({ code: 'invalid_api_key' });
    const right = new OpenAI({ baseURL: sim.url, apiKey: 'sk-right', maxRetries: 0 });
    await expect(right.models.retrieve('gpt-4o')).resolves.toMatchObject({ id: 'gpt-4o' });
  });
});
