import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ISOLATED_ENV, startHarness, UPSTREAM_KEY } from './helpers.js';
import type { Harness } from './helpers.js';

/**
 * Two tenants behind one upstream key: each sees, reads, deletes and cancels only its own files,
 * batches and stored responses; anything else gets exactly what the upstream answers for an id
 * that does not exist. acme's plan allows gpt-4o-mini only, also inside batches.
 */
const ACME = 'pk-acme-isolation-0123456789';
const BETA = 'pk-beta-isolation-0123456789';
const dir = mkdtempSync(join(tmpdir(), 'pacer-isolation-'));

let h: Harness;
let acme: OpenAI;
let beta: OpenAI;
/** The simulator itself, for what the upstream answers to an id that does not exist. */
let direct: OpenAI;

beforeAll(async () => {
  h = await startHarness(
    { batchDelayMs: 0 },
    {
      config: {
        keys_db: join(dir, 'keys.sqlite'),
        ledger: 'off',
        max_body_bytes: 64 * 1024,
        plans: { mini: { models: ['gpt-4o-mini'] } },
        tenants: { acme: { plan: 'mini', keys: [ACME] }, beta: { keys: [BETA] } },
      },
    },
  );
  acme = h.client({ apiKey: ACME });
  beta = h.client({ apiKey: BETA });
  direct = new OpenAI({ baseURL: h.sim.url, apiKey: UPSTREAM_KEY, maxRetries: 0 });
});
afterAll(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

const line = (id: string, model: string) =>
  JSON.stringify({
    custom_id: id,
    method: 'POST',
    url: '/v1/chat/completions',
    body: { model, messages: [{ role: 'user', content: `hello ${id}` }], max_tokens: 5 },
  });

const jsonl = (model: string, n = 2) =>
  Array.from({ length: n }, (_, i) => line(`r${i}`, model)).join('\n') + '\n';

const upload = async (client: OpenAI, text: string, name = 'input.jsonl') =>
  client.files.create({ file: await toFile(Buffer.from(text), name), purpose: 'batch' });

async function failure(p: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(OpenAI.APIError);
  return e as InstanceType<typeof OpenAI.APIError>;
}

/** What the upstream itself answers for `missingId`, with `id` in its place. */
async function upstreamAnswer(
  call: (client: OpenAI, id: string) => Promise<unknown>,
  id: string,
  missingId: string,
): Promise<{ status: number | undefined; error: unknown }> {
  const e = await failure(call(direct, missingId));
  const error = JSON.parse(JSON.stringify(e.error).split(missingId).join(id)) as unknown;
  return { status: e.status, error };
}

/** The gateway's answer to `client` for `id` equals the upstream's for an id that does not exist. */
async function expectNotFound(
  call: (client: OpenAI, id: string) => Promise<unknown>,
  client: OpenAI,
  id: string,
  missingId: string,
): Promise<void> {
  const want = await upstreamAnswer(call, id, missingId);
  expect(want.status).toBe(404);
  const got = await failure(call(client, id));
  expect({ status: got.status, error: got.error }).toEqual(want);
}

describe('files', () => {
  it('are the uploader’s: the other tenant cannot read, download or delete them', async () => {
    const text = jsonl('gpt-4o-mini');
    const file = await acme.files.create({
      file: await toFile(Buffer.from(text), 'a.jsonl'),
      purpose: 'batch',
    });
    expect(file.id).toMatch(/^file-/);
    const missing = 'file-doesnotexist000000000';
    await expectNotFound((c, id) => c.files.retrieve(id), beta, file.id, missing);
    await expectNotFound((c, id) => c.files.content(id), beta, file.id, missing);
    await expectNotFound((c, id) => c.files.delete(id), beta, file.id, missing);
    // An id the gateway never saw gets the same answer as another tenant's.
    await expectNotFound((c, id) => c.files.retrieve(id), acme, 'file-neverseen0000000000', missing);
    expect((await acme.files.retrieve(file.id)).id).toBe(file.id);
    expect(await (await acme.files.content(file.id)).text()).toBe(text);
    expect((await acme.files.delete(file.id)).deleted).toBe(true);
    await expectNotFound((c, id) => c.files.retrieve(id), acme, file.id, missing);
  });

  it('lists only the caller’s own, with coherent cursors, page by page and through auto-paging', async () => {
    const mine: string[] = [];
    const theirs: string[] = [];
    for (let i = 0; i < 3; i++) {
      mine.push((await upload(acme, jsonl('gpt-4o-mini'), `a${i}.jsonl`)).id);
      theirs.push((await upload(beta, jsonl('gpt-4o-mini'), `b${i}.jsonl`)).id);
    }
    const all: string[] = [];
    for await (const f of acme.files.list({ limit: 2 })) all.push(f.id);
    expect(all).toEqual(expect.arrayContaining(mine));
    expect(all.some((id) => theirs.includes(id))).toBe(false);
    // Newest first: the first page holds acme's two newest files and says more follow.
    const first = await acme.files.list({ limit: 2 });
    expect(first.data.map((f) => f.id)).toEqual([mine[2], mine[1]]);
    expect(first.has_more).toBe(true);
    const raw = (await acme.files
      .list({ limit: 2 })
      .asResponse()
      .then((r) => r.json())) as {
      object: string;
      first_id: string;
      last_id: string;
      has_more: boolean;
    };
    expect(raw).toMatchObject({ object: 'list', first_id: mine[2], last_id: mine[1], has_more: true });
    const next = await acme.files.list({ limit: 2, after: mine[1]! });
    expect(next.data[0]?.id).toBe(mine[0]);
    // A limit the upstream refuses is refused in the upstream's words.
    const bad = await failure(acme.files.list({ limit: 0 }));
    const want = await failure(direct.files.list({ limit: 0 }));
    expect({ status: bad.status, error: bad.error }).toEqual({ status: want.status, error: want.error });
    const betaAll: string[] = [];
    for await (const f of beta.files.list()) betaAll.push(f.id);
    expect(betaAll).toEqual(expect.arrayContaining(theirs));
    expect(betaAll.some((id) => mine.includes(id))).toBe(false);
  });

  it('refuses an upload over max_body_bytes with 413, before or while it streams', async () => {
    const big = line('x', 'gpt-4o-mini').repeat(1000);
    const e = await failure(upload(acme, big));
    expect(e.status).toBe(413);
    expect(e.code).toBe('request_too_large');
  });
});

describe('batches', () => {
  it('are the creator’s: the other tenant cannot read, cancel or reuse the input file', async () => {
    const file = await upload(acme, jsonl('gpt-4o-mini'));
    const batch = await acme.batches.create({
      input_file_id: file.id,
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
    });
    const missing = 'batch_doesnotexist0000000';
    await expectNotFound((c, id) => c.batches.retrieve(id), beta, batch.id, missing);
    await expectNotFound((c, id) => c.batches.cancel(id), beta, batch.id, missing);
    // beta naming acme's file gets the upstream's answer for a file that does not exist.
    const create = (c: OpenAI, id: string) =>
      c.batches.create({ input_file_id: id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    const want = await upstreamAnswer(create, file.id, 'file-doesnotexist000000000');
    expect(want.status).toBe(400);
    const got = await failure(create(beta, file.id));
    expect({ status: got.status, error: got.error }).toEqual(want);
    expect((await acme.batches.retrieve(batch.id)).id).toBe(batch.id);
    const listed: string[] = [];
    for await (const b of beta.batches.list()) listed.push(b.id);
    expect(listed).not.toContain(batch.id);
    const own: string[] = [];
    for await (const b of acme.batches.list({ limit: 1 })) own.push(b.id);
    expect(own).toContain(batch.id);
  });

  it('gives the owner its output file, and nobody else', async () => {
    const file = await upload(acme, jsonl('gpt-4o-mini'));
    const created = await acme.batches.create({
      input_file_id: file.id,
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
    });
    let batch = created;
    for (let i = 0; i < 100 && batch.status !== 'completed'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      batch = await acme.batches.retrieve(created.id);
    }
    expect(batch.status).toBe('completed');
    const out = batch.output_file_id!;
    const lines = (await (await acme.files.content(out)).text()).trim().split('\n');
    expect(lines).toHaveLength(2);
    await expectNotFound((c, id) => c.files.content(id), beta, out, 'file-doesnotexist000000000');
  });

  it('refuses a batch whose lines ask for a model the plan does not allow (403), like chat does', async () => {
    const chat = await failure(
      acme.chat.completions.create({ model: 'o1-pro', messages: [{ role: 'user', content: 'hi' }] }),
    );
    expect(chat.status).toBe(403);
    const mixed = jsonl('gpt-4o-mini') + line('z', 'o1-pro') + '\n';
    const file = await upload(acme, mixed);
    const e = await failure(
      acme.batches.create({
        input_file_id: file.id,
        endpoint: '/v1/chat/completions',
        completion_window: '24h',
      }),
    );
    expect(e).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(e.code).toBe(chat.code);
    expect(e.message).toContain('o1-pro');
    expect(e.param).toBe('input_file_id');
    // beta's plan has no allow-list: the same file content is its to run.
    const theirs = await upload(beta, mixed);
    const ok = await beta.batches.create({
      input_file_id: theirs.id,
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
    });
    expect(ok.id).toMatch(/^batch_/);
  });
});

describe('stored responses', () => {
  it('are the creator’s: retrieve, input_items, cancel and delete answer 404 to anyone else', async () => {
    const r = await acme.responses.create({ model: 'gpt-4o-mini', input: 'Remember me.' });
    const missing = 'resp_doesnotexist0000000000';
    await expectNotFound((c, id) => c.responses.retrieve(id), beta, r.id, missing);
    await expectNotFound((c, id) => c.responses.inputItems.list(id), beta, r.id, missing);
    await expectNotFound((c, id) => c.responses.cancel(id), beta, r.id, missing);
    await expectNotFound((c, id) => c.responses.delete(id), beta, r.id, missing);
    const got = await acme.responses.retrieve(r.id);
    expect(got.output_text).toBe(r.output_text);
    const items = await acme.responses.inputItems.list(r.id);
    expect(items.data[0]).toMatchObject({ type: 'message', role: 'user' });
    await acme.responses.delete(r.id);
    await expectNotFound((c, id) => c.responses.retrieve(id), acme, r.id, missing);
  });

  it('streams a retrieval with ?stream=true through as SSE, and a streamed creation is recorded too', async () => {
    const stream = await acme.responses.create({ model: 'gpt-4o-mini', input: 'Stream me.', stream: true });
    let id = '';
    for await (const e of stream) if (e.type === 'response.completed') id = e.response.id;
    expect(id).toMatch(/^resp_/);
    const res = await fetch(`${h.gw.url}/responses/${id}?stream=true`, {
      headers: { authorization: `Bearer ${ACME}` },
    });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(res.headers.get('content-length')).toBeNull();
    const types: string[] = [];
    for await (const e of await acme.responses.retrieve(id, { stream: true })) types.push(e.type);
    expect(types[0]).toBe('response.created');
    expect(types[types.length - 1]).toBe('response.completed');
    expect(await res.text()).toContain('event: response.completed');
    await expectNotFound((c, i) => c.responses.retrieve(i), beta, id, 'resp_doesnotexist0000000000');
  });

  it('lets the owner cancel its background response', async () => {
    const r = await acme.responses.create({ model: 'gpt-4o-mini', input: 'Later.', background: true });
    expect(r.status).toBe('queued');
    await expectNotFound((c, id) => c.responses.cancel(id), beta, r.id, 'resp_doesnotexist0000000000');
    expect(['cancelled', 'completed']).toContain((await acme.responses.cancel(r.id)).status);
  });

  it('refuses to chain from another tenant’s response, as the upstream does for a missing one', async () => {
    const r = await acme.responses.create({ model: 'gpt-4o-mini', input: 'Secret context.' });
    const chain = (c: OpenAI, id: string) =>
      c.responses.create({ model: 'gpt-4o-mini', input: 'Repeat it.', previous_response_id: id });
    const want = await upstreamAnswer(chain, r.id, 'resp_doesnotexist0000000000');
    expect(want.status).toBe(400);
    const got = await failure(chain(beta, r.id));
    expect({ status: got.status, error: got.error }).toEqual(want);
    const count = (c: OpenAI, id: string) =>
      c.responses.inputTokens.count({ model: 'gpt-4o-mini', input: 'Repeat it.', previous_response_id: id });
    const counted = await failure(count(beta, r.id));
    expect({ status: counted.status, error: counted.error }).toEqual(
      await upstreamAnswer(count, r.id, 'resp_doesnotexist0000000000'),
    );
    expect((await chain(acme, r.id)).previous_response_id).toBe(r.id);
    expect((await count(acme, r.id)).input_tokens).toBeGreaterThan(0);
  });

  it('counts input tokens for any tenant with a key, and for nobody without', async () => {
    const counted = await beta.responses.inputTokens.count({ model: 'gpt-4o-mini', input: 'Count me.' });
    expect(counted).toMatchObject({ object: 'response.input_tokens' });
    const e = await failure(
      h
        .client({ apiKey: 'pk-nobody-0123456789' })
        .responses.inputTokens.count({ model: 'gpt-4o-mini', input: 'x' }),
    );
    expect(e.status).toBe(401);
  });

  it('does not record a response created with store: false', async () => {
    const r = await acme.responses.create({ model: 'gpt-4o-mini', input: 'Forget me.', store: false });
    expect(await ownerOf(r.id)).toBeUndefined();
    const kept = await acme.responses.create({ model: 'gpt-4o-mini', input: 'Keep me.' });
    expect(await ownerOf(kept.id)).toBe('acme');
  });
});

/** The tenant recorded for an id, read from the key store's table through a second handle. */
async function ownerOf(id: string): Promise<string | undefined> {
  const { openSqliteOwnerStore } = await import('../../src/store/owners/index.js');
  const store = openSqliteOwnerStore(join(dir, 'keys.sqlite'));
  try {
    return (await store.get(id))?.tenant;
  } finally {
    await store.close();
  }
}

describe('streamed retrieval', () => {
  it('passes events on as they come: the first arrives while the upstream still has a minute to go', async () => {
    // A background response that takes a minute: its replay paces the events over that minute.
    const slow = await startHarness(
      { ttftMs: 60_000, tokensPerS: 1000 },
      { config: { keys_db: ':memory:', ledger: 'off', tenants: { acme: { keys: [ACME] } } } },
    );
    const ac = new AbortController();
    try {
      const client = slow.client({ apiKey: ACME });
      const r = await client.responses.create({
        model: 'gpt-4o-mini',
        input: 'Take your time.',
        background: true,
      });
      const res = await fetch(`${slow.gw.url}/responses/${r.id}?stream=true`, {
        headers: { authorization: `Bearer ${ACME}` },
        signal: ac.signal,
      });
      expect(res.status).toBe(200);
      const reader = res.body!.getReader();
      const first = new TextDecoder().decode((await reader.read()).value);
      expect(first).toMatch(/^event: response\.created\n/);
      // A gateway that buffered would still be waiting here (the test would time out instead).
    } finally {
      ac.abort();
      await slow.close();
    }
  });
});

describe('demo mode', () => {
  it('passes files and responses through as before, ownership unchecked and unrecorded', async () => {
    const demo = await startHarness();
    try {
      const client = demo.client();
      const upstream = new OpenAI({ baseURL: demo.sim.url, apiKey: UPSTREAM_KEY, maxRetries: 0 });
      // Objects the gateway never saw are reachable: there is only one tenant.
      const file = await upstream.files.create({
        file: await toFile(Buffer.from(jsonl('o1-pro')), 'direct.jsonl'),
        purpose: 'batch',
      });
      expect((await client.files.retrieve(file.id)).id).toBe(file.id);
      expect((await client.files.list()).data.map((f) => f.id)).toContain(file.id);
      const batch = await client.batches.create({
        input_file_id: file.id,
        endpoint: '/v1/chat/completions',
        completion_window: '24h',
      });
      expect((await upstream.batches.retrieve(batch.id)).id).toBe(batch.id);
      const r = await upstream.responses.create({ model: 'gpt-4o-mini', input: 'Made upstream.' });
      expect((await client.responses.retrieve(r.id)).id).toBe(r.id);
      expect((await client.responses.inputItems.list(r.id)).data).toHaveLength(1);
      expect(existsSync(ISOLATED_ENV.PACER_KEYS_DB)).toBe(false);
    } finally {
      await demo.close();
    }
  });
});
