import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, UPSTREAM_KEY } from './helpers.js';
import type { Harness } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'pacer-admin-'));
const ADMIN = 'admin-token-0123456789';
const KEY = 'pk-acme-0123456789';
let h: Harness;
let base: string;

beforeAll(async () => {
  h = await startHarness(
    {},
    {
      config: {
        keys_db: join(dir, 'keys.sqlite'),
        ledger: 'off',
        pools: { mini: { rpm: 600, tpm: 100_000, models: ['gpt-4o-mini'] } },
        plans: { pro: { rpm: 60, tpm: 10_000, usd_per_month: 5, weight: 4 } },
        tenants: { acme: { plan: 'pro', keys: [KEY] }, idle: {} },
      },
      env: { PACER_ADMIN_TOKEN: ADMIN },
    },
  );
  base = h.gw.url.replace('/v1', '');
  await h.client({ apiKey: KEY }).chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'hi' }],
    max_completion_tokens: 4,
  });
});
afterAll(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('GET /admin/state', () => {
  it('401 OpenAI-shaped without the admin token or with a tenant key', async () => {
    for (const headers of [{}, { authorization: `Bearer ${KEY}` }, { authorization: 'Bearer nope' }]) {
      const r = await fetch(`${base}/admin/state`, { headers });
      expect(r.status).toBe(401);
      const body = (await r.json()) as { error: Record<string, unknown> };
      expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
      expect(body.error['code']).toBe('invalid_api_key');
    }
  });

  it('returns pools, tenants with budgets, breakers, store and uptime, without secrets', async () => {
    const r = await fetch(`${base}/admin/state`, { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(r.status).toBe(200);
    const text = await r.text();
    for (const secret of [ADMIN, KEY, UPSTREAM_KEY]) expect(text).not.toContain(secret);
    const s = JSON.parse(text) as {
      uptime_s: number;
      store: { kind: string; budgets: string };
      pools: {
        pool: string;
        limits: { rpm: number };
        breaker: string;
        queued: Record<string, number>;
        in_flight: number;
        available: { requests: number | null };
      }[];
      breakers: Record<string, string>;
      tenants: {
        tenant: string;
        plan: string | null;
        weight: number;
        budgets: {
          minute: { requests: { limit: number; remaining: number } | null };
          day: { requests: number; usd: number } | null;
          month: { usd: number } | null;
        };
      }[];
    };
    expect(s.uptime_s).toBeGreaterThanOrEqual(0);
    expect(s.store).toMatchObject({ kind: 'memory', budgets: 'memory' });
    const mini = s.pools.find((p) => p.pool === 'mini')!;
    expect(mini.limits.rpm).toBe(600);
    expect(mini.breaker).toBe('closed');
    expect(mini.queued).toEqual({ interactive: 0, default: 0, batch: 0 });
    expect(mini.in_flight).toBe(0);
    expect(s.breakers['mini']).toBe('closed');
    const acme = s.tenants.find((t) => t.tenant === 'acme')!;
    expect(acme.plan).toBe('pro');
    expect(acme.weight).toBe(4);
    expect(acme.budgets.minute.requests?.limit).toBe(60);
    expect(acme.budgets.minute.requests?.remaining).toBeLessThan(60);
    expect(acme.budgets.day?.requests).toBe(1);
    expect(acme.budgets.day?.usd).toBeGreaterThan(0);
    expect(acme.budgets.month?.usd).toBe(acme.budgets.day?.usd);
    const idle = s.tenants.find((t) => t.tenant === 'idle')!;
    expect(idle.plan).toBeNull();
    expect(idle.budgets.day).toBeNull();
  });
});

describe('GET /admin/state without an admin token configured', () => {
  it('does not exist (404)', async () => {
    const other = await startHarness({}, { config: { ledger: 'off', keys_db: join(dir, 'none.sqlite') } });
    const r = await fetch(other.gw.url.replace('/v1', '/admin/state'), {
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    expect(r.status).toBe(404);
    await other.close();
  });
});
