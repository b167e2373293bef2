import { connect } from 'node:net';
import OpenAI from 'openai';
import { OpenAIRealtimeWS } from 'openai/realtime/ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startSimulator } from '../../src/simulator/index.js';

type Sim = Awaited<ReturnType<typeof startSimulator>>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- wire JSON, checked by the assertions
type Event = { type: string; [k: string]: any };
let sim: Sim;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, seed: 11, ttftMs: 5, tokensPerS: 4000 });
});
afterAll(async () => {
  await sim.close();
});

/** The SDK always builds a wss:// URL; plain TCP lets it talk to the local http simulator. */
const plain = {
  createConnection: (o: { host?: string; port?: number }) =>
    connect({ host: o.host ?? '127.0.0.1', port: Number(o.port) }),
};

async function openSdk(
  s: Sim,
  model = 'gpt-realtime',
): Promise<{ rt: OpenAIRealtimeWS; events: Event[]; next(type: string): Promise<Event> }> {
  const client = new OpenAI({ apiKey: 'sk-server', baseURL: s.url });
  const rt = new OpenAIRealtimeWS({ model, options: plain as never }, client);
  return {
    rt,
    ...collect(
      (cb) => rt.on('event', cb as never),
      (cb) => rt.socket.on('close', cb),
    ),
  };
}

function collect(subscribe: (cb: (e: Event) => void) => void, onClose: (cb: () => void) => void) {
  const events: Event[] = [];
  const waiters: { type: string; from: number; resolve(e: Event): void; reject(e: Error): void }[] = [];
  subscribe((e) => {
    events.push(e);
    for (const w of [...waiters]) {
      if (e.type === w.type) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(e);
      }
    }
  });
  onClose(() => {
    for (const w of waiters.splice(0)) w.reject(new Error(`closed before ${w.type}`));
  });
  return {
    events,
    next(type: string): Promise<Event> {
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`timeout waiting for ${type}`)), 5000);
        waiters.push({
          type,
          from: events.length,
          resolve: (e) => (clearTimeout(t), resolve(e)),
          reject: (e) => (clearTimeout(t), reject(e)),
        });
      });
    },
  };
}

function openRaw(s: Sim, path: string, opts: WebSocket.ClientOptions = {}, protocols?: string[]) {
  const ws = new WebSocket(`${s.url.replace('http', 'ws')}${path}`, protocols, opts);
  return {
    ws,
    ...collect(
      (cb) => ws.on('message', (d) => cb(JSON.parse(d.toString()))),
      (cb) => ws.on('close', cb),
    ),
  };
}

function handshakeStatus(ws: WebSocket): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.on('open', () => reject(new Error('opened')));
    ws.on('error', () => undefined);
  });
}

describe('realtime websocket via the SDK', () => {
  it('sends session.created, then a text response round-trip with realtime usage', async () => {
    const before = sim.stats().realtime_sessions;
    const { rt, events, next } = await openSdk(sim);
    const created = await next('session.created');
    expect(created.event_id).toMatch(/^event_/);
    expect(created.session).toMatchObject({
      type: 'realtime',
      object: 'realtime.session',
      model: 'gpt-realtime',
      output_modalities: ['audio'],
    });
    expect(created.session.id).toMatch(/^sess_/);
    expect(sim.stats().realtime_sessions).toBe(before + 1);

    rt.send({
      type: 'session.update',
      session: { type: 'realtime', output_modalities: ['text'], instructions: 'Answer briefly.' },
    });
    expect((await next('session.updated')).session).toMatchObject({
      output_modalities: ['text'],
      instructions: 'Answer briefly.',
    });

    rt.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Say something.' }] },
    });
    const added = await next('conversation.item.done');
    expect(added.item).toMatchObject({ type: 'message', role: 'user' });

    const start = events.length;
    rt.send({ type: 'response.create' });
    const done = await next('response.done');
    const types = events.slice(start).map((e) => e.type);
    const deltas = types.filter((t) => t === 'response.output_text.delta');
    expect(deltas.length).toBeGreaterThan(0);
    expect(types.filter((t) => t !== 'response.output_text.delta')).toEqual([
      'response.created',
      'rate_limits.updated',
      'response.output_item.added',
      'conversation.item.added',
      'response.content_part.added',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'conversation.item.done',
      'response.done',
    ]);
    const text = events
      .slice(start)
      .filter((e) => e.type === 'response.output_text.delta')
      .map((e) => e.delta)
      .join('');
    const textDone = events.find((e) => e.type === 'response.output_text.done')!;
    expect(textDone.text).toBe(text);
    expect(done.response).toMatchObject({
      object: 'realtime.response',
      status: 'completed',
      output_modalities: ['text'],
    });
    expect(done.response.output[0].content[0]).toEqual({ type: 'output_text', text });
    const u = done.response.usage;
    expect(u.input_token_details).toMatchObject({ audio_tokens: 0, cached_tokens: 0 });
    expect(u.input_token_details.text_tokens).toBeGreaterThan(0);
    expect(u.output_token_details).toEqual({ text_tokens: u.output_tokens, audio_tokens: 0 });
    expect(u.total_tokens).toBe(u.input_tokens + u.output_tokens);

    const rl = events.find((e) => e.type === 'rate_limits.updated')!;
    const tokens = rl.rate_limits.find((r: { name: string }) => r.name === 'tokens');
    expect(tokens.limit - tokens.remaining).toBeGreaterThanOrEqual(4096); // the "inf" output reservation
    expect(rl.rate_limits.find((r: { name: string }) => r.name === 'requests')).toMatchObject({ limit: 200 });
    rt.close();
  });

  it('streams audio (base64 PCM16) with a transcript when the modality is audio', async () => {
    const { rt, events, next } = await openSdk(sim);
    await next('session.created');
    rt.send({ type: 'input_audio_buffer.append', audio: Buffer.alloc(48_000).toString('base64') });
    rt.send({ type: 'input_audio_buffer.commit' });
    const committed = await next('input_audio_buffer.committed');
    expect(committed.item_id).toMatch(/^item_/);
    rt.send({ type: 'response.create' });
    const done = await next('response.done');
    const audio = events.filter((e) => e.type === 'response.output_audio.delta');
    expect(audio.length).toBeGreaterThan(0);
    for (const a of audio) expect(Buffer.from(a.delta, 'base64').length % 2).toBe(0);
    const transcript = events
      .filter((e) => e.type === 'response.output_audio_transcript.delta')
      .map((e) => e.delta)
      .join('');
    expect(events.find((e) => e.type === 'response.output_audio_transcript.done')!.transcript).toBe(
      transcript,
    );
    expect(events.some((e) => e.type === 'response.output_audio.done')).toBe(true);
    expect(done.response.usage.input_token_details.audio_tokens).toBe(10); // 1 s of input audio
    expect(done.response.usage.output_token_details.audio_tokens).toBeGreaterThan(0);
    rt.close();
  });

  it('is deterministic for a seed', async () => {
    const run = async (): Promise<string> => {
      const s = await startSimulator({ port: 0, seed: 99, ttftMs: 1, tokensPerS: 10_000 });
      try {
        const { rt, next } = await openSdk(s);
        await next('session.created');
        rt.send({ type: 'response.create', response: { output_modalities: ['text'] } });
        const done = await next('response.done');
        rt.close();
        return done.response.output[0].content[0].text as string;
      } finally {
        await s.close();
      }
    };
    const a = await run();
    expect(a.length).toBeGreaterThan(10);
    expect(await run()).toBe(a);
  });
});

describe('realtime websocket errors and limits', () => {
  it('answers invalid events, empty commits, oversize appends and idle cancels with error events', async () => {
    const { ws, next } = openRaw(sim, '/realtime?model=gpt-realtime', {
      headers: { authorization: 'Bearer sk-server' },
    });
    await next('session.created');
    const send = (e: unknown): void => ws.send(typeof e === 'string' ? e : JSON.stringify(e));
    send({ type: 'no.such.event', event_id: 'evt_1' });
    expect((await next('error')).error).toMatchObject({
      type: 'invalid_request_error',
      code: 'invalid_event',
      event_id: 'evt_1',
    });
    send('{not json');
    expect((await next('error')).error.code).toBe('invalid_event');
    send({ event_id: 'x' });
    expect((await next('error')).error.message).toBe("The 'type' field is missing.");
    send({ type: 'input_audio_buffer.commit' });
    expect((await next('error')).error.code).toBe('input_audio_buffer_commit_empty');
    send({ type: 'input_audio_buffer.append', audio: 'A'.repeat(21_000_000) });
    expect((await next('error')).error).toMatchObject({ code: 'invalid_value', param: 'audio' });
    send({ type: 'input_audio_buffer.clear' });
    await next('input_audio_buffer.cleared');
    send({ type: 'response.cancel' });
    expect((await next('error')).error.code).toBe('response_cancel_not_active');
    send({ type: 'session.update', session: { type: 'realtime', max_output_tokens: 99999 } });
    expect((await next('error')).error.param).toBe('session.max_output_tokens');
    ws.close();
  });

  it('cancels an active response and truncates at max_output_tokens', async () => {
    const slow = await startSimulator({ port: 0, seed: 5, ttftMs: 200, tokensPerS: 50 });
    try {
      const { ws, next } = openRaw(slow, '/realtime?model=gpt-realtime', {
        headers: { authorization: 'Bearer sk-server' },
      });
      await next('session.created');
      ws.send(JSON.stringify({ type: 'response.create' }));
      await next('response.created');
      ws.send(JSON.stringify({ type: 'response.create' }));
      expect((await next('error')).error.code).toBe('conversation_already_has_active_response');
      ws.send(JSON.stringify({ type: 'response.cancel' }));
      const done = await next('response.done');
      expect(done.response.status).toBe('cancelled');
      expect(done.response.status_details).toEqual({ type: 'cancelled', reason: 'client_cancelled' });
      ws.close();
    } finally {
      await slow.close();
    }
    const { ws, next } = openRaw(sim, '/realtime?model=gpt-realtime', {
      headers: { authorization: 'Bearer sk-server' },
    });
    await next('session.created');
    ws.send(
      JSON.stringify({
        type: 'response.create',
        response: { output_modalities: ['text'], max_output_tokens: 3 },
      }),
    );
    const done = await next('response.done');
    expect(done.response.status).toBe('incomplete');
    expect(done.response.status_details.reason).toBe('max_output_tokens');
    expect(done.response.usage.output_tokens).toBeLessThanOrEqual(3);
    ws.close();
  });

  it('authenticates browsers by subprotocol with an ephemeral key', async () => {
    const client = new OpenAI({ apiKey: 'sk-server', baseURL: sim.url });
    const secret = await client.realtime.clientSecrets.create({
      session: { type: 'realtime', model: 'gpt-realtime-mini', instructions: 'From the key.' },
    });
    const { ws, next } = openRaw(sim, '/realtime', {}, [
      'realtime',
      `openai-insecure-api-key.${secret.value}`,
    ]);
    const created = await next('session.created');
    expect(ws.protocol).toBe('realtime');
    expect(created.session).toMatchObject({ model: 'gpt-realtime-mini', instructions: 'From the key.' });
    ws.close();
  });

  it('refuses bad handshakes with OpenAI-shaped bodies', async () => {
    const noKey = await handshakeStatus(
      new WebSocket(`${sim.url.replace('http', 'ws')}/realtime?model=gpt-realtime`),
    );
    expect(noKey.status).toBe(401);
    expect(JSON.parse(noKey.body).error.code).toBe('invalid_api_key');
    const badEk = await handshakeStatus(
      new WebSocket(`${sim.url.replace('http', 'ws')}/realtime?model=gpt-realtime`, {
        headers: { authorization: 'Bearer ek_0000' },
      }),
    );
    expect(badEk.status).toBe(401);
    const noModel = await handshakeStatus(
      new WebSocket(`${sim.url.replace('http', 'ws')}/realtime`, {
        headers: { authorization: 'Bearer sk-server' },
      }),
    );
    expect(noModel.status).toBe(400);
    expect(JSON.parse(noModel.body).error.param).toBe('model');
    const limited = await startSimulator({ port: 0, mintRpm: 1 });
    try {
      const first = openRaw(limited, '/realtime?model=gpt-realtime', {
        headers: { authorization: 'Bearer sk' },
      });
      await first.next('session.created');
      const second = await handshakeStatus(
        new WebSocket(`${limited.url.replace('http', 'ws')}/realtime?model=gpt-realtime`, {
          headers: { authorization: 'Bearer sk' },
        }),
      );
      expect(second.status).toBe(429);
      expect(JSON.parse(second.body).error.code).toBe('rate_limit_exceeded');
      first.ws.close();
    } finally {
      await limited.close();
    }
  });

  it('ends the session at its (time-scaled) 60 minutes with session_expired and close 1001', async () => {
    const fast = await startSimulator({ port: 0, timeScale: 20_000 }); // 60 min -> 180 ms
    try {
      const { ws, next } = openRaw(fast, '/realtime?model=gpt-realtime', {
        headers: { authorization: 'Bearer sk' },
      });
      await next('session.created');
      const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
      const err = await next('error');
      expect(err.error).toMatchObject({
        code: 'session_expired',
        message: 'Your session hit the maximum duration of 60 minutes.',
        event_id: null,
      });
      expect(await closed).toBe(1001);
    } finally {
      await fast.close();
    }
  });
});
