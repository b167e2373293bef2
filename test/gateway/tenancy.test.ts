import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/gateway/config.js';
import { startHarness } from './helpers.js';
import type { Harness } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'pacer-tenancy-'));
const KEYS = {
  minute: 'pk-minute-0123456789',
  daily: 'pk-daily-0123456789',
  dollars: 'pk-dollars-0123456789',
  capped: 'pk-capped-0123456789',
  open: 'pk-open-0123456789',
};

let h: Harness;
beforeAll(async () => {
  h = await startHarness(
    {},
    {
      config: {
        keys_db: join(dir, 'keys.sqlite'),
        ledger: 'off',
        plans: {
          minute: { rpm: 2, tpm: 1000 },
          daily: { tokens_per_day: 120 },
          dollars: { usd_per_day: 0.000001 },
          capped: { max_prompt_tokens: 50, models: ['gpt-4o-mini'], priority: 'batch' },
        },
        tenants: {
          minute: { plan: 'minute', keys: [KEYS.minute] },
          daily: { plan: 'daily', keys: [KEYS.daily] },
          dollars: { plan: 'dollars', keys: [KEYS.dollars] },
          capped: { plan: 'capped', keys: [KEYS.capped] },
          open: { keys: [KEYS.open] },
        },
      },
    },
  );
});
afterAll(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

const ask = (key: string, content = 'hi', model = 'gpt-4o-mini') =>
  h
    .client({ apiKey: key })
    .chat.completions.create({ model, messages: [{ role: 'user', content }], max_completion_tokens: 5 })
    .withResponse();

async function refusal(p: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(OpenAI.APIError);
  return e as InstanceType<typeof OpenAI.APIError>;
}

describe('per-tenant budgets through the gateway', () => {
  it('shows the tenant its own budget, then refuses over the minute budget with retry headers', async () => {
    const first = await ask(KEYS.minute);
    expect(first.response.headers.get('x-ratelimit-limit-requests')).toBe('2');
    expect(first.response.headers.get('x-ratelimit-remaining-requests')).toBe('1');
    expect(first.response.headers.get('x-ratelimit-limit-tokens')).toBe('1000');
    expect(Number(first.response.headers.get('x-ratelimit-remaining-tokens'))).toBeLessThan(1000);
    expect(first.response.headers.get('x-ratelimit-reset-requests')).toMatch(/^\d+(\.\d+)?m?s$|^\d+s$/);
    const second = await ask(KEYS.minute);
    expect(second.response.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    const e = await refusal(ask(KEYS.minute));
    expect(e).toBeInstanceOf(OpenAI.RateLimitError);
    expect(e.code).toBe('rate_limit_exceeded');
    expect(e.type).toBe('rate_limit_exceeded');
    const ms = Number(e.headers?.get('retry-after-ms'));
    expect(ms).toBeGreaterThan(20_000); // 2 rpm: the next request fits in ~30 s
    expect(ms).toBeLessThanOrEqual(30_000);
    expect(e.headers?.get('retry-after')).toBe(String(Math.ceil(ms / 1000)));
    expect(e.headers?.get('x-ratelimit-remaining-requests')).toBe('0');
  });

  it('refuses over the daily token budget with insufficient_quota until the next UTC day', async () => {
    await ask(KEYS.daily); // ~12 estimated tokens of the 120
    const e = await refusal(ask(KEYS.daily, 'word '.repeat(200)));
    expect(e.status).toBe(429);
    expect(e.code).toBe('insufficient_quota');
    expect(e.type).toBe('insufficient_quota');
    const ms = Number(e.headers?.get('retry-after-ms'));
    expect(ms).toBeGreaterThan(0);
    expect(ms).toBeLessThanOrEqual(86_400_000);
  });

  it('refuses once the dollar budget of the day is spent (priced from real usage)', async () => {
    await ask(KEYS.dollars, 'word '.repeat(50)); // spends a few micro-dollars > $0.000001
    const e = await refusal(ask(KEYS.dollars));
    expect(e.status).toBe(429);
    expect(e.code).toBe('insufficient_quota');
    expect(e.message).toMatch(/Daily budget of \$/);
  });

  it('403 for a model outside the plan, 413 for a prompt over the cap', async () => {
    const forbidden = await refusal(ask(KEYS.capped, 'hi', 'gpt-4o'));
    expect(forbidden.status).toBe(403);
    expect(forbidden.code).toBe('model_not_allowed');
    const big = await refusal(ask(KEYS.capped, 'word '.repeat(100)));
    expect(big.status).toBe(413);
    expect(big.code).toBe('request_too_large');
    const ok = await ask(KEYS.capped, 'hi', 'gpt-4o-mini-2024-07-18'); // dated snapshot of an allowed alias
    expect(ok.data.object).toBe('chat.completion');
  });

  it('a tenant without a plan sees the pool view and is never refused by budgets', async () => {
    for (let i = 0; i < 3; i++) {
      const r = await ask(KEYS.open);
      expect(r.response.status).toBe(200);
    }
  });
});

describe('tenant config validation', () => {
  it('a tenant naming an unknown plan fails with file, line and path', () => {
    const file = join(dir, 'pacer.yaml');
    writeFileSync(file, 'plans:\n  free: { rpm: 5 }\ntenants:\n  acme:\n    plan: gold\n');
    let err: unknown;
    try {
      loadConfig({ path: file, env: {} });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain(`${file}:5:`);
    expect((err as Error).message).toContain('tenants.acme.plan');
    expect((err as Error).message).toContain('plan "gold" is not defined');
  });

  it('defaults and env overrides of keys_db, ledger and plan fields', () => {
    const c = loadConfig({
      raw: { plans: { p: { rpm: 1 } } },
      env: { PACER_KEYS_DB: '/tmp/k.sqlite', PACER_LEDGER: 'off' },
    });
    expect(c.keys_db).toBe('/tmp/k.sqlite');
    expect(c.ledger).toBe('off');
    expect(c.plans['p']?.burst).toBe(1);
    expect(loadConfig({ env: {}, cwd: dir + '/none' }).ledger).toBe('sqlite:.pacer/ledger.sqlite');
  });
});
