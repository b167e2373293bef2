import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toFile } from 'openai';
import { startHarness, UPSTREAM_KEY } from './helpers.js';
import type { Harness } from './helpers.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({}, { config: { max_body_bytes: 200_000 } });
});
afterAll(async () => {
  await h?.close();
});

describe('the official SDK through the gateway (baseURL and apiKey only)', () => {
  it('chat completions, non-streaming, with pacer headers', async () => {
    const { data, response } = await h
      .client()
      .chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'Say hi' }],
        max_completion_tokens: 20,
      })
      .withResponse();
    expect(data.object).toBe('chat.completion');
    expect(data.choices[0]?.message.content).toBeTruthy();
    expect(data.usage?.total_tokens).toBeGreaterThan(0);
    expect(response.headers.get('x-pacer-model')).toBe('gpt-4o-mini');
    expect(response.headers.get('x-pacer-retries')).toBe('0');
    expect(Number(response.headers.get('x-pacer-estimated-tokens'))).toBeGreaterThan(20);
    expect(response.headers.get('x-pacer-queue-ms')).not.toBeNull();
    expect(response.headers.get('x-ratelimit-limit-tokens')).not.toBeNull();
    expect(response.headers.get('x-request-id')).toMatch(/^req_/);
  });

  it('chat completions, streaming with usage', async () => {
    const stream = await h.client().chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Count to five' }],
      max_completion_tokens: 30,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage = 0;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage.total_tokens;
    }
    expect(text.length).toBeGreaterThan(0);
    expect(usage).toBeGreaterThan(0);
  });

  it('responses, non-streaming and streaming', async () => {
    const r = await h
      .client()
      .responses.create({ model: 'gpt-4o-mini', input: 'Hello there', max_output_tokens: 25 });
    expect(r.object).toBe('response');
    expect(r.output_text.length).toBeGreaterThan(0);
    const stream = await h
      .client()
      .responses.create({ model: 'gpt-4o-mini', input: 'Hello there', max_output_tokens: 25, stream: true });
    const types: string[] = [];
    for await (const ev of stream) types.push(ev.type);
    expect(types[0]).toBe('response.created');
    expect(types.at(-1)).toMatch(/^response\.(completed|incomplete)$/);
  });

  it('embeddings (SDK default base64)', async () => {
    const e = await h.client().embeddings.create({ model: 'text-embedding-3-small', input: ['one', 'two'] });
    expect(e.data).toHaveLength(2);
    expect(e.data[0]?.embedding).toHaveLength(1536);
  });

  it('models, files (multipart) and batches pass through', async () => {
    const client = h.client();
    const models = await client.models.list();
    expect(models.data.length).toBeGreaterThan(0);
    const line = JSON.stringify({
      custom_id: 'r1',
      method: 'POST',
      url: '/v1/chat/completions',
      body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] },
    });
    const file = await client.files.create({
      file: await toFile(Buffer.from(line + '\n'), 'in.jsonl'),
      purpose: 'batch',
    });
    expect(file.id).toMatch(/^file-/);
    const batch = await client.batches.create({
      input_file_id: file.id,
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
    });
    expect(batch.id).toMatch(/^batch_/);
    const again = await client.batches.retrieve(batch.id);
    expect(again.id).toBe(batch.id);
  });

  it('the upstream key never reaches the client or the logs', async () => {
    const res = await fetch(`${h.gw.url}/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer pacer-demo-key', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
    });
    const body = await res.text();
    const headers = JSON.stringify([...res.headers]);
    expect(body).not.toContain(UPSTREAM_KEY);
    expect(headers).not.toContain(UPSTREAM_KEY);
    const metrics = await (await fetch(h.gw.url.replace('/v1', '/metrics'))).text();
    expect(metrics).not.toContain(UPSTREAM_KEY);
    expect(h.logs.length).toBeGreaterThan(0);
    for (const line of h.logs) expect(line).not.toContain(UPSTREAM_KEY);
  });
});

describe('errors are OpenAI-shaped', () => {
  const post = (path: string, body: string, key = 'pacer-demo-key') =>
    fetch(`${h.gw.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body,
    });

  it('401 for an unknown key', async () => {
    const res = await post('/chat/completions', '{}', 'nope-nope-nope');
    expect(res.status).toBe(401);
    const body = (await res.json()) as { error: Record<string, unknown> };
    expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
    expect(body.error['code']).toBe('invalid_api_key');
    expect(JSON.stringify(body)).not.toContain('nope-nope-nope');
  });

  it('400 for malformed JSON', async () => {
    const res = await post('/chat/completions', '{"model": ');
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { type: string } };
    expect(body.error.type).toBe('invalid_request_error');
    expect(res.headers.get('x-request-id')).toMatch(/^req_/);
  });

  it('fields the current SDK declares (prompt_cache_options, moderation) pass the gateway and the simulator', async () => {
    const extra = {
      prompt_cache_options: { ttl: '30m' as const },
      moderation: { model: 'omni-moderation-latest' },
    };
    const chat = await h.client().chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'x' }],
      max_completion_tokens: 5,
      ...extra,
    });
    expect(chat.object).toBe('chat.completion');
    const resp = await h.client().responses.create({
      model: 'gpt-4o-mini',
      input: 'x',
      max_output_tokens: 16,
      ...extra,
    });
    expect(resp.object).toBe('response');
  });

  it('400 unknown_parameter naming the key', async () => {
    const err = await h
      .client()
      .chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'x' }],
        bogus_field: 1,
      } as never)
      .then(
        () => ({ status: 200, code: '', param: '' }),
        (e: unknown) => e as { status: number; code: string; param: string },
      );
    expect(err.status).toBe(400);
    expect(err.code).toBe('unknown_parameter');
    expect(err.param).toBe('bogus_field');
  });

  it('413 context_length_exceeded for a prompt over the model context', async () => {
    const huge = 'lorem ipsum dolor '.repeat(3000);
    const res = await post('/embeddings', JSON.stringify({ model: 'text-embedding-3-small', input: huge }));
    expect(res.status).toBe(413);
    const body = (await res.json()) as { error: { code: string } };
    expect(body.error.code).toBe('context_length_exceeded');
  });

  it('413 request_too_large for a body over max_body_bytes', async () => {
    const res = await post(
      '/chat/completions',
      JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x'.repeat(300_000) }] }),
    );
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('request_too_large');
  });

  it('404 for an unknown route, 405 for a wrong method', async () => {
    const a = await fetch(`${h.gw.url}/nothing-here`);
    expect(a.status).toBe(404);
    expect(((await a.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error');
    const b = await fetch(`${h.gw.url}/chat/completions`);
    expect(b.status).toBe(405);
  });
});

describe('operations', () => {
  it('metrics carry the SPEC names', async () => {
    const text = await (await fetch(h.gw.url.replace('/v1', '/metrics'))).text();
    for (const name of [
      'pacer_requests_total',
      'pacer_upstream_429_total',
      'pacer_retries_total',
      'pacer_queue_wait_seconds',
      'pacer_ttft_seconds',
      'pacer_request_duration_seconds',
      'pacer_tokens_total',
      'pacer_cost_usd_total',
      'pacer_bucket_available',
      'pacer_breaker_state',
      'pacer_realtime_sessions',
      'pacer_client_secrets_minted_total',
    ])
      expect(text).toContain(`# TYPE ${name} `);
    expect(text).toMatch(
      /pacer_requests_total\{route="chat.completions",model="gpt-4o-mini",tenant="demo",status="200"\} \d+/,
    );
    expect(text).toMatch(/pacer_tokens_total\{model="gpt-4o-mini",tenant="demo",kind="output"\} \d+/);
    expect(text).toMatch(/pacer_cost_usd_total\{model="gpt-4o-mini",tenant="demo"\} [0-9.e-]+/);
    expect(text).toMatch(/pacer_bucket_available\{pool="gpt-4o-mini",dimension="tokens"\} \d+/);
  });

  it("measures the gateway's own processing time per served request, apart from upstream time", async () => {
    // An upstream that takes 300 ms to the first token: none of that may count.
    const slow = await startHarness({ ttftMs: 300 });
    try {
      const metricsUrl = slow.gw.url.replace('/v1', '/metrics');
      const read = async () => {
        const text = await (await fetch(metricsUrl)).text();
        const num = (re: RegExp) => Number(re.exec(text)?.[1] ?? NaN);
        return {
          count: num(/^pacer_gateway_processing_seconds_count (\S+)$/m),
          sum: num(/^pacer_gateway_processing_seconds_sum (\S+)$/m),
        };
      };
      const before = await read();
      const t0 = performance.now();
      const stream = await slow.client().chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'hi' }],
        stream: true,
      });
      for await (const chunk of stream) void chunk;
      const elapsed = (performance.now() - t0) / 1000;
      const after = await read();
      expect(after.count - before.count).toBe(1);
      const took = after.sum - before.sum;
      expect(elapsed).toBeGreaterThan(0.1); // lognormal around 300 ms
      expect(took).toBeGreaterThan(0);
      expect(took).toBeLessThan(elapsed / 5);
    } finally {
      await slow.close();
    }
  });

  it('healthz and readyz', async () => {
    const origin = h.gw.url.replace('/v1', '');
    expect((await fetch(`${origin}/healthz`)).status).toBe(200);
    const ready = await fetch(`${origin}/readyz`);
    expect(ready.status).toBe(200);
  });

  it('CORS: preflight and exposed headers', async () => {
    const pre = await fetch(`${h.gw.url}/chat/completions`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    expect(pre.headers.get('access-control-allow-headers')).toContain('authorization');
    const res = await fetch(`${h.gw.url}/chat/completions`, {
      method: 'POST',
      headers: {
        origin: 'https://app.example',
        authorization: 'Bearer pacer-demo-key',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
    });
    const exposed = res.headers.get('access-control-expose-headers') ?? '';
    for (const name of [
      'retry-after',
      'retry-after-ms',
      'x-request-id',
      'x-ratelimit-remaining-tokens',
      'x-pacer-queue-ms',
      'x-pacer-model',
    ])
      expect(exposed).toContain(name);
  });
});
