import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startGatewayChild,
  startSimulatorChild,
  tenantKey,
  type Upstream,
} from '../../src/bench/upstream.js';

// The compiled host (npm test builds first); without a build these tests cannot run.
const HOST = fileURLToPath(new URL('../../dist/bench/child-host.js', import.meta.url));
const built = existsSync(HOST);

const simOptions = { port: 0, host: '127.0.0.1', ttftMs: 0, tokensPerS: 100_000, seed: 5 };

describe.skipIf(!built)('bench child host (simulator and gateway in their own processes)', () => {
  // One simulator child for the whole file: starting a process is the slow part.
  let sim: Upstream;
  beforeAll(async () => {
    sim = await startSimulatorChild(HOST, simOptions);
  }, 20_000);
  afterAll(async () => {
    await sim.close();
    // Closed: the port no longer answers.
    await expect(fetch(sim.url.replace('/v1', '/sim/stats'))).rejects.toThrow();
  });

  it('serves the simulator from a child and reports its stats over IPC', async () => {
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const before = (await sim.stats())!;
    const client = new OpenAI({ baseURL: sim.url, apiKey: sim.apiKey, maxRetries: 0 });
    const r = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 5,
    });
    expect(r.choices[0]?.message.content).toBeTruthy();
    const after = await sim.stats();
    expect(after?.requests).toBe(before.requests + 1);
    expect(after?.accepted).toBe(before.accepted + 1);
  }, 20_000);

  it('serves the gateway from a child, in front of a simulator child, with the tenant keys', async () => {
    const before = (await sim.stats())!;
    const gw = await startGatewayChild(HOST, {
      port: 0,
      host: '127.0.0.1',
      upstreamBaseUrl: sim.url,
      upstreamApiKey: sim.apiKey,
      timeScale: 1,
      config: { ledger: 'off', keys_db: ':memory:', tenants: { a: { weight: 1, keys: [tenantKey('a')] } } },
      env: {},
    });
    try {
      const client = new OpenAI({ baseURL: gw.url, apiKey: tenantKey('a'), maxRetries: 0 });
      const stream = await client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'hi' }],
        max_tokens: 5,
        stream: true,
      });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      expect(text.length).toBeGreaterThan(0);
      const denied = new OpenAI({ baseURL: gw.url, apiKey: 'not-a-tenant', maxRetries: 0 });
      await expect(
        denied.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }),
      ).rejects.toMatchObject({ status: 401 });
      expect((await sim.stats())?.accepted).toBe(before.accepted + 1);
    } finally {
      await gw.close();
    }
  }, 20_000);

  it('rejects with the child’s reason when the role cannot start', async () => {
    await expect(
      startGatewayChild(HOST, {
        port: 0,
        host: '127.0.0.1',
        upstreamBaseUrl: sim.url,
        upstreamApiKey: 'k',
        timeScale: 1,
        config: { tenants: 'not a map' },
        env: {},
      }),
    ).rejects.toThrow(/invalid config/);
  }, 20_000);

  it('exits when its parent goes away (IPC disconnect)', async () => {
    const child = fork(HOST, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    child.send({ type: 'start', role: 'sim', options: simOptions });
    const [ready] = (await once(child, 'message')) as [{ type: string; url: string }];
    expect(ready.type).toBe('ready');
    const exited = once(child, 'exit');
    child.disconnect();
    const [code] = (await exited) as [number | null];
    expect(code).toBe(0);
  }, 20_000);
});
