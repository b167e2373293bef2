import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness } from './helpers.js';
import type { Harness } from './helpers.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness(
    {},
    {
      config: {
        keys_db: ':memory:',
        plans: { free: { rpm: 20, models: ['gpt-4o-mini'], weight: 1 }, pro: { weight: 4 } },
        tenants: {
          acme: { plan: 'pro', keys: ['pk-acme-0123456789'] },
          tiny: { plan: 'free', keys: ['pk-tiny-0123456789'] },
        },
      },
    },
  );
});
afterAll(async () => {
  await h?.close();
});

describe('virtual keys from the config', () => {
  it('accepts tenant keys (Bearer or api-key) and rejects the demo key', async () => {
    const ok = await h.client({ apiKey: 'pk-acme-0123456789' }).chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'hi' }],
      max_completion_tokens: 5,
    });
    expect(ok.object).toBe('chat.completion');
    const viaApiKey = await fetch(`${h.gw.url}/models`, { headers: { 'api-key': 'pk-tiny-0123456789' } });
    expect(viaApiKey.status).toBe(200);
    const demo = await h
      .client()
      .models.list()
      .catch((e: unknown) => e as { status: number });
    expect((demo as { status: number }).status).toBe(401);
    expect(h.gw.demoKey).toBeNull();
  });

  it('403 when the plan does not allow the model', async () => {
    const err = await h
      .client({ apiKey: 'pk-tiny-0123456789' })
      .chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] })
      .then(
        () => ({ status: 200, code: '' }),
        (e: unknown) => e as { status: number; code: string },
      );
    expect(err.status).toBe(403);
    expect(err.code).toBe('model_not_allowed');
  });

  it('labels metrics and logs with the tenant', async () => {
    const text = await (await fetch(h.gw.url.replace('/v1', '/metrics'))).text();
    expect(text).toMatch(
      /pacer_requests_total\{route="chat.completions",model="gpt-4o",tenant="acme",status="200"\} 1/,
    );
    expect(h.logs.some((l) => (JSON.parse(l) as { tenant: string }).tenant === 'tiny')).toBe(true);
  });
});
