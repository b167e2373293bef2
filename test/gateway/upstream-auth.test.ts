/**
 * An upstream 401 is about the gateway's key: the client gets a 502 naming no key, never the
 * upstream's message (which quotes the key's ends), and /readyz says the gateway is not ready.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { startGateway, type RunningGateway } from '../../src/gateway/index.js';
import type { RunningSimulator } from '../../src/simulator/index.js';
import { ISOLATED_ENV, startTestSimulator } from './helpers.js';

const WRONG_KEY = 'sk-proj-WRONGUPSTREAMKEY-zq9x';

describe('upstream refuses the gateway key', () => {
  let sim: RunningSimulator;
  let gw: RunningGateway;
  const logs: string[] = [];

  beforeAll(async () => {
    sim = await startTestSimulator();
    gw = await startGateway({
      port: 0,
      host: '127.0.0.1',
      upstreamBaseUrl: sim.url,
      upstreamApiKey: WRONG_KEY,
      env: ISOLATED_ENV,
      log: (line) => logs.push(line),
    });
  });
  afterAll(async () => {
    await gw.close();
    await sim.close();
  });

  const client = (): OpenAI => new OpenAI({ baseURL: gw.url, apiKey: 'pacer-demo-key', maxRetries: 0 });

  function expectNoKey(text: string): void {
    expect(text).not.toContain('zq9x');
    expect(text).not.toContain('sk-proj');
    expect(text).not.toContain('WRONG');
  }

  it('answers an inference call with a 502 that quotes no part of the key', async () => {
    // The simulator itself quotes the key's ends, as the real API does.
    const direct = await fetch(`${sim.url}/models`, { headers: { authorization: `Bearer ${WRONG_KEY}` } });
    expect(direct.status).toBe(401);
    expect(await direct.text()).toContain('zq9x');

    const err = (await client()
      .chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(err.status).toBe(502);
    expect(err.code).toBe('upstream_auth_failed');
    expectNoKey(JSON.stringify(err.error) + err.message);
  });

  it('answers a pass-through call the same way', async () => {
    const res = await fetch(`${gw.url}/models`, { headers: { authorization: 'Bearer pacer-demo-key' } });
    expect(res.status).toBe(502);
    const text = await res.text();
    expect(JSON.parse(text)).toMatchObject({ error: { code: 'upstream_auth_failed', type: 'server_error' } });
    expectNoKey(text);
  });

  it('is not ready, and the operator log says why without the key', async () => {
    const res = await fetch(`${new URL(gw.url).origin}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'not_ready' });
    expect(logs.some((l) => l.includes('refused the gateway'))).toBe(true);
    for (const l of logs) expectNoKey(l);
  });
});
