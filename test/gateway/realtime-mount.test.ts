import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startGateway, type RunningGateway } from '../../src/gateway/index.js';
import { createLedger } from '../../src/store/ledger/index.js';
import { OFFER } from '../realtime/harness.js';
import { ISOLATED_ENV } from './helpers.js';

// The gateway in demo mode (embedded simulator upstream), exactly what `npm start` runs.
let gw: RunningGateway;
let client: OpenAI;
const origin = () => gw.url.replace(/\/v1$/, '');

beforeAll(async () => {
  gw = await startGateway({ port: 0, host: '127.0.0.1', env: ISOLATED_ENV, log: () => undefined });
  client = new OpenAI({ baseURL: gw.url, apiKey: gw.demoKey!, maxRetries: 0 });
});
afterAll(async () => gw.close());

describe('realtime through the gateway', () => {
  it('mints a client secret for a virtual key, reusing it for the same user and config', async () => {
    const body = { session: { type: 'realtime' as const, model: 'gpt-realtime' } };
    const a = await client.realtime.clientSecrets.create(body, { headers: { 'x-pacer-user': 'u1' } });
    expect(a.value).toMatch(/^ek_/);
    const b = await client.realtime.clientSecrets.create(body, { headers: { 'x-pacer-user': 'u1' } });
    expect(b.value).toBe(a.value);
    const other = await client.realtime.clientSecrets.create(body, { headers: { 'x-pacer-user': 'u2' } });
    expect(other.value).not.toBe(a.value);
  });

  it('refuses a client secret to an unknown key', async () => {
    const bad = new OpenAI({ baseURL: gw.url, apiKey: 'not-a-key', maxRetries: 0 });
    await expect(
      bad.realtime.clientSecrets.create({ session: { type: 'realtime', model: 'gpt-realtime' } }),
    ).rejects.toMatchObject({ status: 401 });
  });

  it('exchanges an SDP offer for an answer with the server key (unified flow)', async () => {
    const res = await fetch(`${gw.url}/realtime/calls`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.demoKey}`, 'content-type': 'application/sdp' },
      body: OFFER,
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toContain('application/sdp');
    expect(res.headers.get('location')).toMatch(/^\/v1\/realtime\/calls\/rtc_/);
    const answer = await res.text();
    expect(answer.startsWith('v=0')).toBe(true);
    expect(answer).toContain('a=rtpmap:111 opus/48000/2');
  });

  it('relays a WebSocket session opened with the browser subprotocol key', async () => {
    const url = `${origin().replace('http', 'ws')}/v1/realtime?model=gpt-realtime`;
    const ws = new WebSocket(url, ['realtime', `openai-insecure-api-key.${gw.demoKey}`]);
    const events: { type: string }[] = [];
    const done = new Promise<void>((resolve, reject) => {
      ws.on('message', (data) => {
        const e = JSON.parse(String(data)) as { type: string };
        events.push(e);
        if (e.type === 'session.created') {
          ws.send(
            JSON.stringify({
              type: 'conversation.item.create',
              item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] },
            }),
          );
          ws.send(JSON.stringify({ type: 'response.create', response: { output_modalities: ['text'] } }));
        }
        if (e.type === 'response.done') resolve();
      });
      ws.on('error', reject);
    });
    await done;
    ws.close();
    expect(ws.protocol).toBe('realtime');
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('session.created');
    expect(types).toContain('rate_limits.updated');
    expect(types.indexOf('response.output_text.delta')).toBeLessThan(types.indexOf('response.done'));
  });

  it('rejects a WebSocket upgrade on any other path', async () => {
    const ws = new WebSocket(`${origin().replace('http', 'ws')}/v1/nothing`);
    const status = await new Promise<number>((resolve) => {
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => resolve(-1));
    });
    expect(status).toBe(404);
  });
});

describe('dashboard on the gateway', () => {
  it('serves the page and live data that counts the requests just made', async () => {
    await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 5,
    });
    const page = await fetch(`${origin()}/dashboard`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<svg');
    // The feed closes a window each second; poll until the request shows up (bounded).
    let total = 0;
    for (let i = 0; i < 40 && total === 0; i++) {
      const data = (await (await fetch(`${origin()}/dashboard/data`)).json()) as {
        totals?: { requests?: number };
      };
      total = data.totals?.requests ?? 0;
      if (total === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(total).toBeGreaterThanOrEqual(1);
  });
});

describe('realtime usage accounting', () => {
  it('puts each response.done into the ledger with its cost, and learns the pool from rate_limits.updated', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pacer-rt-ledger-'));
    const file = join(dir, 'ledger.sqlite');
    const g = await startGateway({
      port: 0,
      host: '127.0.0.1',
      env: { ...ISOLATED_ENV, PACER_LEDGER: `sqlite:${file}` },
      log: () => undefined,
    });
    try {
      const ws = new WebSocket(`${g.url.replace(/^http/, 'ws')}/realtime?model=gpt-realtime`, {
        headers: { authorization: `Bearer ${g.demoKey}` },
      });
      await new Promise<void>((resolve, reject) => {
        ws.on('message', (data) => {
          const e = JSON.parse(String(data)) as { type: string };
          if (e.type === 'session.created')
            ws.send(JSON.stringify({ type: 'response.create', response: { output_modalities: ['text'] } }));
          if (e.type === 'response.done') resolve();
        });
        ws.on('error', reject);
      });
      ws.close();
      const pool = g.gateway.context.engine
        .snapshot()
        .find((p) => p.pool === g.gateway.context.engine.poolFor('gpt-realtime'));
      expect(pool?.limits.tpm).toBeGreaterThan(0);
    } finally {
      await g.close();
    }
    const ledger = await createLedger(`sqlite:${file}`);
    const rows = await ledger.query({ by: 'model' });
    await ledger.close();
    rmSync(dir, { recursive: true, force: true });
    const row = rows.find((r) => r.key === 'gpt-realtime');
    expect(row?.requests).toBe(1);
    expect(row!.tokensOut).toBeGreaterThan(0);
    expect(row!.costUsd).toBeGreaterThan(0);
  });
});
