import OpenAI, { BadRequestError, NotFoundError, toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/simulator/index.js';

type Sim = Awaited<ReturnType<typeof startSimulator>>;
let sim: Sim;
let client: OpenAI;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, seed: 7, batchDelayMs: 200 });
  client = new OpenAI({ apiKey: 'sk-test', baseURL: sim.url, maxRetries: 0 });
});
afterAll(async () => {
  await sim.close();
});

const line = (id: string, url: string, body: Record<string, unknown>): string =>
  JSON.stringify({ custom_id: id, method: 'POST', url, body });

async function upload(text: string, name = 'requests.jsonl', purpose: 'batch' | 'user_data' = 'batch') {
  return client.files.create({ file: await toFile(Buffer.from(text), name), purpose });
}

async function waitFor(id: string, done: (s: string) => boolean) {
  for (let i = 0; i < 200; i++) {
    const b = await client.batches.retrieve(id);
    if (done(b.status)) return b;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('batch did not finish');
}

describe('files', () => {
  it('uploads, retrieves, lists, reads content and deletes', async () => {
    const text =
      line('a', '/v1/chat/completions', {
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'hi' }],
      }) + '\n';
    const f = await upload(text);
    expect(f).toMatchObject({
      object: 'file',
      bytes: Buffer.byteLength(text),
      filename: 'requests.jsonl',
      purpose: 'batch',
      status: 'processed',
    });
    expect(f.id).toMatch(/^file-[A-Za-z0-9]{22}$/);
    expect(await client.files.retrieve(f.id)).toEqual(f);
    const { response } = await client.files.retrieve(f.id).withResponse();
    expect(response.headers.get('x-request-id')).toMatch(/^req_/);
    const content = await client.files.content(f.id);
    expect(await content.text()).toBe(text);
    const page = await client.files.list({ purpose: 'batch' });
    expect(page.data.map((x) => x.id)).toContain(f.id);
    expect(await client.files.delete(f.id)).toEqual({ id: f.id, object: 'file', deleted: true });
    await expect(client.files.retrieve(f.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('rejects a bad purpose and a non-jsonl batch file', async () => {
    await expect(
      client.files.create({ file: await toFile(Buffer.from('x'), 'a.jsonl'), purpose: 'nope' as 'batch' }),
    ).rejects.toMatchObject({ status: 400, param: 'purpose' });
    await expect(upload('x', 'a.txt')).rejects.toMatchObject({ status: 400, code: 'invalid_file_format' });
  });

  it('answers 401 without a key, in the OpenAI error shape', async () => {
    const res = await fetch(`${sim.url}/files`);
    expect(res.status).toBe(401);
    const body = (await res.json()) as { error: Record<string, unknown> };
    expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
  });
});

describe('batches', () => {
  it('runs a chat batch to completed with one output line per request', async () => {
    const lines = ['r-1', 'r-2', 'r-3'].map((id) =>
      line(id, '/v1/chat/completions', {
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: `hello ${id}` }],
        max_tokens: 50,
      }),
    );
    const f = await upload(lines.join('\n') + '\n');
    const created = await client.batches.create({
      input_file_id: f.id,
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
      metadata: { job: 'nightly' },
    });
    expect(created).toMatchObject({
      object: 'batch',
      status: 'validating',
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
      output_file_id: null,
      metadata: { job: 'nightly' },
    });
    expect(created.id).toMatch(/^batch_[0-9a-f]{32}$/);
    const seen = new Set<string>();
    let b = created;
    for (let i = 0; i < 200 && b.status !== 'completed'; i++) {
      await new Promise((r) => setTimeout(r, 10));
      b = await client.batches.retrieve(created.id);
      seen.add(b.status);
    }
    expect(b.status).toBe('completed');
    expect(seen.has('in_progress') || seen.has('finalizing')).toBe(true);
    expect(b.request_counts).toEqual({ total: 3, completed: 3, failed: 0 });
    expect(b.in_progress_at).not.toBeNull();
    expect(b.completed_at).not.toBeNull();
    expect(b.error_file_id).toBeNull();
    expect(b.usage?.output_tokens).toBeGreaterThan(0);
    expect(b.model).toBe('gpt-4o-mini');
    const out = await client.files.retrieve(b.output_file_id!);
    expect(out.purpose).toBe('batch_output');
    const rows = (await (await client.files.content(out.id)).text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows.map((r) => r.custom_id).sort()).toEqual(['r-1', 'r-2', 'r-3']);
    for (const r of rows) {
      expect(r.id).toMatch(/^batch_req_/);
      expect(r.error).toBeNull();
      expect(r.response.status_code).toBe(200);
      expect(r.response.request_id).toMatch(/^req_/);
      expect(r.response.body.object).toBe('chat.completion');
      expect(r.response.body.choices[0].message.content.length).toBeGreaterThan(0);
      expect(r.response.body.usage.completion_tokens).toBeLessThanOrEqual(50);
    }
  });

  it('writes failed lines to the error file', async () => {
    const lines = [
      line('ok', '/v1/embeddings', { model: 'text-embedding-3-small', input: 'hello' }),
      line('bad', '/v1/embeddings', { model: 'no-such-model', input: 'hello' }),
    ];
    const f = await upload(lines.join('\n'));
    const created = await client.batches.create({
      input_file_id: f.id,
      endpoint: '/v1/embeddings',
      completion_window: '24h',
    });
    // Each line must use the same model: a mismatch fails validation as a whole.
    const b = await waitFor(created.id, (s) => s === 'completed' || s === 'failed');
    expect(b.status).toBe('failed');
    expect(b.errors?.data?.[0]).toMatchObject({ code: 'mismatched_model', line: 2 });

    const f2 = await upload(
      [line('bad1', '/v1/embeddings', { model: 'no-such-model', input: 'x' })].join('\n'),
    );
    const b2 = await waitFor(
      (
        await client.batches.create({
          input_file_id: f2.id,
          endpoint: '/v1/embeddings',
          completion_window: '24h',
        })
      ).id,
      (s) => s === 'completed',
    );
    expect(b2.request_counts).toEqual({ total: 1, completed: 0, failed: 1 });
    expect(b2.output_file_id).toBeNull();
    const err = JSON.parse((await (await client.files.content(b2.error_file_id!)).text()).trim());
    expect(err).toMatchObject({
      custom_id: 'bad1',
      response: { status_code: 404, body: { error: { code: 'model_not_found' } } },
    });
  });

  it('fails a batch whose input has invalid JSONL lines, with the errors list', async () => {
    const f = await upload(
      line('a', '/v1/responses', { model: 'gpt-4o-mini', input: 'hi' }) +
        '\n{not json\n' +
        line('a', '/v1/responses', { model: 'gpt-4o-mini', input: 'x' }),
    );
    const created = await client.batches.create({
      input_file_id: f.id,
      endpoint: '/v1/responses',
      completion_window: '24h',
    });
    const b = await waitFor(created.id, (s) => s === 'failed' || s === 'completed');
    expect(b.status).toBe('failed');
    expect(b.failed_at).not.toBeNull();
    expect(b.errors?.object).toBe('list');
    expect(b.errors?.data?.map((e) => [e.code, e.line])).toEqual([
      ['invalid_json_line', 2],
      ['duplicate_custom_id', 3],
    ]);
  });

  it('produces responses bodies for /v1/responses batches', async () => {
    const f = await upload(line('q', '/v1/responses', { model: 'gpt-4o-mini', input: 'Say hi' }));
    const b = await waitFor(
      (
        await client.batches.create({
          input_file_id: f.id,
          endpoint: '/v1/responses',
          completion_window: '24h',
        })
      ).id,
      (s) => s === 'completed',
    );
    const row = JSON.parse((await (await client.files.content(b.output_file_id!)).text()).trim());
    expect(row.response.body).toMatchObject({ object: 'response', status: 'completed' });
    expect(row.response.body.output[0].content[0].type).toBe('output_text');
    expect(b.usage?.total_tokens).toBe(row.response.body.usage.total_tokens);
  });

  it('validates create with real 400s', async () => {
    const f = await upload(line('a', '/v1/chat/completions', { model: 'gpt-4o-mini', messages: [] }));
    await expect(
      client.batches.create({
        input_file_id: f.id,
        endpoint: '/v1/chat/completions',
        completion_window: '48h' as '24h',
      }),
    ).rejects.toMatchObject({ status: 400, param: 'completion_window' });
    await expect(
      client.batches.create({
        input_file_id: f.id,
        endpoint: '/v1/nope' as '/v1/embeddings',
        completion_window: '24h',
      }),
    ).rejects.toMatchObject({ status: 400, param: 'endpoint' });
    await expect(
      client.batches.create({
        input_file_id: 'file-missing',
        endpoint: '/v1/chat/completions',
        completion_window: '24h',
      }),
    ).rejects.toBeInstanceOf(BadRequestError);
    const other = await upload('hello', 'notes.txt', 'user_data');
    await expect(
      client.batches.create({
        input_file_id: other.id,
        endpoint: '/v1/chat/completions',
        completion_window: '24h',
      }),
    ).rejects.toMatchObject({ status: 400, param: 'input_file_id' });
    await expect(client.batches.retrieve('batch_missing')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('cancels a batch and lists with the real list shape', async () => {
    const f = await upload(
      line('c', '/v1/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }),
    );
    const created = await client.batches.create({
      input_file_id: f.id,
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
    });
    const cancelling = await client.batches.cancel(created.id);
    expect(cancelling.status).toBe('cancelling');
    expect(cancelling.cancelling_at).not.toBeNull();
    const b = await waitFor(created.id, (s) => s === 'cancelled');
    expect(b.cancelled_at).not.toBeNull();
    await expect(client.batches.cancel(created.id)).rejects.toMatchObject({ status: 409 });

    const res = await fetch(`${sim.url}/batches?limit=2`, { headers: { authorization: 'Bearer sk-test' } });
    const page = (await res.json()) as {
      object: string;
      data: { id: string }[];
      first_id: string;
      last_id: string;
      has_more: boolean;
    };
    expect(page.object).toBe('list');
    expect(page.data).toHaveLength(2);
    expect(page.first_id).toBe(created.id);
    expect(page.last_id).toBe(page.data[1]!.id);
    expect(page.has_more).toBe(true);
    const ids: string[] = [];
    for await (const x of client.batches.list({ limit: 2 })) ids.push(x.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThanOrEqual(5);
  });
});
