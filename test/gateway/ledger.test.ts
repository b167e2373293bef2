import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createLedger } from '../../src/store/ledger/index.js';
import { postgresUnavailable, startPostgres } from '../helpers/postgres.js';
import { startHarness } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'pacer-gw-ledger-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const KEY = 'pk-acme-0123456789';
const tenantConfig = (ledger: string, plan: Record<string, unknown> = {}) => ({
  keys_db: join(dir, 'keys.sqlite'),
  ledger,
  plans: { pro: { weight: 2, ...plan } },
  tenants: { acme: { plan: 'pro', keys: [KEY] } },
});

interface Row {
  tenant: string;
  key_id: string;
  model: string;
  route: string;
  tokens_in: number;
  tokens_out: number;
  cost_usd: number;
  status: number;
  ttft_ms: number | null;
  duration_ms: number;
  queue_ms: number;
  pricing_version: string;
}

describe('usage ledger through the gateway (SQLite)', () => {
  const file = join(dir, 'ledger.sqlite');

  it('writes one row per request, streams included, and loses nothing on close', async () => {
    const h = await startHarness({}, { config: tenantConfig(`sqlite:${file}`) });
    const client = h.client({ apiKey: KEY });
    for (let i = 0; i < 3; i++) {
      await client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: `hello ${i}` }],
        max_completion_tokens: 8,
      });
    }
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'stream please' }],
      max_completion_tokens: 8,
      stream: true,
      stream_options: { include_usage: true },
    });
    let streamed: { prompt_tokens: number; completion_tokens: number } | undefined;
    for await (const chunk of stream) if (chunk.usage) streamed = chunk.usage;
    await client.embeddings.create({ model: 'text-embedding-3-small', input: 'embed me' });
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [] }).catch(() => undefined); // a 400 is recorded too
    await h.close(); // flushes the batch

    const db = new Database(file, { readonly: true });
    const rows = db.prepare('SELECT * FROM pacer_usage ORDER BY id').all() as Row[];
    db.close();
    expect(rows).toHaveLength(6);
    expect(rows.every((r) => r.tenant === 'acme' && /^cfg_[0-9a-f]{12}$/.test(r.key_id))).toBe(true);
    expect(rows.some((r) => r.key_id.includes(KEY))).toBe(false);
    const chats = rows.filter((r) => r.route === 'chat.completions' && r.status === 200);
    expect(chats).toHaveLength(4);
    for (const r of chats) {
      expect(r.model).toBe('gpt-4o-mini');
      expect(r.tokens_in).toBeGreaterThan(0);
      expect(r.tokens_out).toBeGreaterThan(0);
      expect(r.cost_usd).toBeGreaterThan(0);
      expect(r.pricing_version).not.toBe('');
      expect(r.duration_ms).toBeGreaterThanOrEqual(0);
    }
    const last = chats[3]!;
    expect(streamed).toBeDefined();
    expect(last.tokens_in).toBe(streamed!.prompt_tokens);
    expect(last.tokens_out).toBe(streamed!.completion_tokens);
    expect(last.ttft_ms).not.toBeNull();
    const emb = rows.find((r) => r.route === 'embeddings')!;
    expect(emb.tokens_in).toBeGreaterThan(0);
    expect(emb.tokens_out).toBe(0);
    expect(rows.filter((r) => r.status === 400)).toHaveLength(1);

    // Metrics were fed from the same usage.
  });

  it('a restart keeps a spent dollar budget (spend loaded from the ledger)', async () => {
    // The previous test spent a few micro-dollars today for acme.
    const h = await startHarness({}, { config: tenantConfig(`sqlite:${file}`, { usd_per_day: 0.000001 }) });
    await h.gw.gateway.ready;
    const err = await h
      .client({ apiKey: KEY })
      .chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })
      .then(
        () => undefined,
        (e: unknown) => e as { status: number; code: string },
      );
    expect(err?.status).toBe(429);
    expect(err?.code).toBe('insufficient_quota');
    const metrics = await (await fetch(h.gw.url.replace('/v1', '/metrics'))).text();
    expect(metrics).toMatch(
      /pacer_requests_total\{route="chat.completions",model="gpt-4o-mini",tenant="acme",status="429"\} 1/,
    );
    await h.close();
  });

  it('feeds pacer_tokens_total and pacer_cost_usd_total', async () => {
    const h = await startHarness({}, { config: tenantConfig('off') });
    await h.client({ apiKey: KEY }).chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'count me' }],
      max_completion_tokens: 4,
    });
    const text = await (await fetch(h.gw.url.replace('/v1', '/metrics'))).text();
    expect(text).toMatch(/pacer_tokens_total\{model="gpt-4o-mini",tenant="acme",kind="input"\} [1-9]/);
    expect(text).toMatch(/pacer_tokens_total\{model="gpt-4o-mini",tenant="acme",kind="output"\} [1-9]/);
    expect(text).toMatch(/pacer_cost_usd_total\{model="gpt-4o-mini",tenant="acme"\} [0-9.e-]+/);
    await h.close();
  });
});

describe.skipIf(postgresUnavailable !== undefined)('usage ledger through the gateway (PostgreSQL)', () => {
  it('records every request in Postgres when ledger is a postgres:// URL', async () => {
    const server = await startPostgres();
    try {
      const url = await server.createDatabase('gwledger');
      const h = await startHarness({}, { config: tenantConfig(url) });
      for (let i = 0; i < 4; i++) {
        await h.client({ apiKey: KEY }).chat.completions.create({
          model: 'gpt-4o-mini',
          messages: [{ role: 'user', content: `pg ${i}` }],
          max_completion_tokens: 4,
        });
      }
      await h.close();
      const ledger = await createLedger(url);
      const [total] = await ledger.query({ tenant: 'acme' });
      await ledger.close();
      expect(total?.requests).toBe(4);
      expect(total?.tokensOut).toBeGreaterThan(0);
      expect(total?.costUsd).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  }, 60_000);
});
