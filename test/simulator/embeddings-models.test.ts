import { describe, expect, it } from 'vitest';
import { countTokens } from '../../src/core/tokens/tokenizer.js';
import { rawPost, useSimulator } from './helpers.js';

const sims = useSimulator();
const norm = (v: number[]): number => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

describe('POST /v1/embeddings', () => {
  it('returns deterministic unit vectors of the real dimension (SDK default base64)', async () => {
    const { client } = await sims.start();
    const r = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: ['hello world', 'another text'],
    });
    expect(r.object).toBe('list');
    expect(r.model).toBe('text-embedding-3-small');
    expect(r.data.map((d) => d.index)).toEqual([0, 1]);
    expect(r.data[0]!.embedding).toHaveLength(1536);
    expect(norm(r.data[0]!.embedding)).toBeCloseTo(1, 4);
    expect(r.usage.prompt_tokens).toBe(
      countTokens('hello world', 'cl100k_base') + countTokens('another text', 'cl100k_base'),
    );
    const again = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: 'hello world',
      encoding_format: 'float',
    });
    expect(again.data[0]!.embedding[0]).toBeCloseTo(r.data[0]!.embedding[0]!, 6);
    expect(again.data[0]!.embedding).not.toEqual(r.data[1]!.embedding);
  });

  it('honours dimensions on 3-series, 3072 for large, token-array input', async () => {
    const { client } = await sims.start();
    const short = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: 'x',
      dimensions: 256,
    });
    expect(short.data[0]!.embedding).toHaveLength(256);
    expect(norm(short.data[0]!.embedding)).toBeCloseTo(1, 4);
    const large = await client.embeddings.create({
      model: 'text-embedding-3-large',
      input: [
        [1, 2, 3],
        [4, 5],
      ],
    });
    expect(large.data[0]!.embedding).toHaveLength(3072);
    expect(large.usage.prompt_tokens).toBe(5);
    const err = await client.embeddings
      .create({ model: 'text-embedding-ada-002', input: 'x', dimensions: 10 })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 400, param: 'dimensions' });
  });

  it('enforces the real input limits with 400s', async () => {
    const { client } = await sims.start();
    const empty = await client.embeddings
      .create({ model: 'text-embedding-3-small', input: '' })
      .catch((e: unknown) => e);
    expect(empty).toMatchObject({ status: 400, type: 'invalid_request_error' });
    const many = await client.embeddings
      .create({ model: 'text-embedding-3-small', input: Array<string>(2049).fill('a') })
      .catch((e: unknown) => e);
    expect(many).toMatchObject({ status: 400, param: 'input' });
    const long = await client.embeddings
      .create({ model: 'text-embedding-3-small', input: 'word '.repeat(9000) })
      .catch((e: unknown) => e);
    expect(long).toMatchObject({ status: 400, code: 'context_length_exceeded' });
    const total = await client.embeddings
      .create({
        model: 'text-embedding-3-small',
        input: Array<number[]>(40).fill(Array<number>(8000).fill(7)),
      })
      .catch((e: unknown) => e);
    expect(total).toMatchObject({ status: 400, code: 'max_tokens_per_request' });
  });
});

describe('GET /v1/models', () => {
  it('lists the catalog and retrieves one model', async () => {
    const { client } = await sims.start();
    const ids: string[] = [];
    for await (const m of client.models.list()) ids.push(m.id);
    expect(ids).toContain('gpt-4o-mini');
    expect(ids).toContain('text-embedding-3-large');
    const m = await client.models.retrieve('gpt-4o');
    expect(m).toMatchObject({ id: 'gpt-4o', object: 'model', owned_by: 'system' });
    const err = await client.models.retrieve('gpt-x').catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 404, code: 'model_not_found' });
  });

  it('answers unknown routes with an OpenAI-shaped 404', async () => {
    const { sim } = await sims.start();
    const r = await rawPost(sim.url, '/nope', '{}');
    expect(r.status).toBe(404);
    const body = (await r.json()) as { error: { message: string; type: string } };
    expect(body.error).toMatchObject({
      message: 'Invalid URL (POST /v1/nope)',
      type: 'invalid_request_error',
      param: null,
      code: null,
    });
  });
});
