import OpenAI, { AuthenticationError, BadRequestError, RateLimitError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/simulator/index.js';
import { CHROME_OFFER } from './fixtures/chrome-offer.js';

type Sim = Awaited<ReturnType<typeof startSimulator>>;
let sim: Sim;
let client: OpenAI;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, seed: 3 });
  client = new OpenAI({ apiKey: 'sk-server', baseURL: sim.url, maxRetries: 0 });
});
afterAll(async () => {
  await sim.close();
});

const postSdp = (key: string, sdp: string, base = sim.url): Promise<Response> =>
  fetch(`${base}/realtime/calls`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/sdp' },
    body: sdp,
  });

describe('client secrets (GA)', () => {
  it('mints an ek_ with the full session object echoed', async () => {
    const before = sim.stats().client_secrets_minted;
    const now = Math.floor(Date.now() / 1000);
    const secret = await client.realtime.clientSecrets.create({
      expires_after: { anchor: 'created_at', seconds: 120 },
      session: {
        type: 'realtime',
        model: 'gpt-realtime',
        instructions: 'Be brief.',
        audio: { output: { voice: 'marin' } },
      },
    });
    expect(secret.value).toMatch(/^ek_[0-9a-f]{32}$/);
    expect(secret.expires_at).toBeGreaterThanOrEqual(now + 119);
    expect(secret.expires_at).toBeLessThanOrEqual(now + 121);
    expect(secret.session).toMatchObject({
      type: 'realtime',
      object: 'realtime.session',
      model: 'gpt-realtime',
      instructions: 'Be brief.',
      output_modalities: ['audio'],
      max_output_tokens: 'inf',
      tool_choice: 'auto',
      audio: {
        input: { format: { type: 'audio/pcm', rate: 24000 }, turn_detection: { type: 'server_vad' } },
        output: { voice: 'marin', speed: 1 },
      },
    });
    expect((secret.session as { id: string }).id).toMatch(/^sess_/);
    expect(sim.stats().client_secrets_minted).toBe(before + 1);
  });

  it('defaults to 600 s and rejects out-of-range ttl and unknown models', async () => {
    const s = await client.realtime.clientSecrets.create({});
    expect(s.expires_at - Math.floor(Date.now() / 1000)).toBeGreaterThan(590);
    await expect(
      client.realtime.clientSecrets.create({ expires_after: { anchor: 'created_at', seconds: 5 } }),
    ).rejects.toBeInstanceOf(BadRequestError);
    await expect(
      client.realtime.clientSecrets.create({ expires_after: { anchor: 'created_at', seconds: 7201 } }),
    ).rejects.toMatchObject({ status: 400, param: 'expires_after' });
    await expect(
      client.realtime.clientSecrets.create({ session: { type: 'realtime', model: 'gpt-4o-mini' } }),
    ).rejects.toMatchObject({ status: 400, param: 'session.model' });
  });

  it('refuses to mint with an ephemeral key', async () => {
    const s = await client.realtime.clientSecrets.create({});
    const eph = new OpenAI({ apiKey: s.value, baseURL: sim.url, maxRetries: 0 });
    await expect(eph.realtime.clientSecrets.create({})).rejects.toBeInstanceOf(AuthenticationError);
  });

  it('legacy /realtime/sessions returns the beta shape with a one-minute client_secret', async () => {
    const res = await fetch(`${sim.url}/realtime/sessions`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-server', 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'gpt-4o-realtime-preview-2025-06-03',
        voice: 'verse',
        modalities: ['audio', 'text'],
      }),
    });
    expect(res.status).toBe(200);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- wire JSON, checked by the assertions
    const body = (await res.json()) as Record<string, any>;
    expect(body).toMatchObject({
      object: 'realtime.session',
      model: 'gpt-4o-realtime-preview-2025-06-03',
      voice: 'verse',
      input_audio_format: 'pcm16',
      output_audio_format: 'pcm16',
    });
    expect(body.client_secret.value).toMatch(/^ek_/);
    const ttl = body.client_secret.expires_at - Math.floor(Date.now() / 1000);
    expect(ttl).toBeGreaterThanOrEqual(59);
    expect(ttl).toBeLessThanOrEqual(61);
  });
});

describe('calls (WebRTC SDP)', () => {
  it('answers an application/sdp offer made with an ephemeral key', async () => {
    const before = sim.stats().realtime_sessions;
    const s = await client.realtime.clientSecrets.create({
      session: { type: 'realtime', model: 'gpt-realtime' },
    });
    const res = await postSdp(s.value, CHROME_OFFER);
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toBe('application/sdp');
    expect(res.headers.get('location')).toMatch(/^\/v1\/realtime\/calls\/rtc_[0-9a-f]{32}$/);
    const answer = await res.text();
    expect(answer.startsWith('v=0\r\n')).toBe(true);
    expect(answer).toContain('a=rtpmap:111 opus/48000/2');
    expect(answer).toContain('a=group:BUNDLE 0 1');
    expect(answer).toMatch(/a=fingerprint:sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}/);
    expect(answer).toContain('webrtc-datachannel');
    expect(sim.stats().realtime_sessions).toBe(before + 1);
  });

  it('answers the unified multipart form with a server key', async () => {
    const form = new FormData();
    form.set('sdp', new Blob([CHROME_OFFER], { type: 'application/sdp' }));
    form.set(
      'session',
      new Blob(
        [JSON.stringify({ type: 'realtime', model: 'gpt-realtime', audio: { output: { voice: 'marin' } } })],
        { type: 'application/json' },
      ),
    );
    const res = await fetch(`${sim.url}/realtime/calls`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-server' },
      body: form,
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toMatch(/^\/v1\/realtime\/calls\/rtc_/);
    expect(await res.text()).toContain('m=audio 9 UDP/TLS/RTP/SAVPF 111');
  });

  it('rejects an unknown or expired ek, and a malformed offer', async () => {
    const unknown = await postSdp('ek_00000000000000000000000000000000', CHROME_OFFER);
    expect(unknown.status).toBe(401);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('invalid_api_key');
    const s = await client.realtime.clientSecrets.create({});
    const bad = await postSdp(s.value, 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { param: string } }).error.param).toBe('sdp');
  });
});

describe('mint limit', () => {
  it('answers 429 with retry headers that the SDK surfaces as RateLimitError', async () => {
    const small = await startSimulator({ port: 0, seed: 1, mintRpm: 2 });
    try {
      const c = new OpenAI({ apiKey: 'sk-x', baseURL: small.url, maxRetries: 0 });
      await c.realtime.clientSecrets.create({});
      await c.realtime.clientSecrets.create({});
      const err = await c.realtime.clientSecrets.create({}).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RateLimitError);
      const e = err as RateLimitError;
      expect(e.code).toBe('rate_limit_exceeded');
      expect(Number(e.headers?.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(e.headers?.get('retry-after-ms')).toBeNull();
      const sdp = await postSdp('sk-x', CHROME_OFFER, small.url);
      expect(sdp.status).toBe(429); // session creations share the mint budget
      expect(small.stats().client_secrets_minted).toBe(2);
    } finally {
      await small.close();
    }
  });
});
