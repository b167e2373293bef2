import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDashboardFeed, type DashboardFeed } from '../../src/dashboard/feed.js';
import { createDashboardHandler } from '../../src/dashboard/handler.js';
import type { DashboardData } from '../../src/dashboard/types.js';
import { createEngine, type PacingEngine } from '../../src/engine/index.js';
import { createFakeTime, makeEvent } from './fakes.js';

const TOKEN = 'admin-secret-token';

async function serve(feed: DashboardFeed, adminToken?: string): Promise<{ server: Server; base: string }> {
  const handle = createDashboardHandler(feed, adminToken === undefined ? {} : { adminToken });
  const server = createServer((req, res) => {
    if (handle(req, res)) return;
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not the dashboard');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function expectOpenAIError(body: unknown, code: string): void {
  expect(body).toEqual({
    error: { message: expect.any(String), type: 'invalid_request_error', param: null, code },
  });
}

describe('createDashboardHandler', () => {
  let engine: PacingEngine;
  let feed: DashboardFeed;
  let open: { server: Server; base: string };
  let locked: { server: Server; base: string };
  const time = createFakeTime(1_700_000_000_000);

  beforeAll(async () => {
    engine = createEngine(
      { pools: { mini: { models: ['gpt-4o-mini'], tpm: 1000 } } },
      { clock: time.clock, timers: time.timers },
    );
    feed = createDashboardFeed({ engine, clock: time.clock, timers: time.timers });
    engine.observe({
      pool: 'mini',
      status: 200,
      headers: {},
      sentAt: time.clock.now(),
      receivedAt: time.clock.now(),
    });
    feed.record(makeEvent({ tenant: 'acme' }));
    time.advance(1000);
    feed.record(makeEvent({ tenant: 'acme' }));
    time.advance(1000);
    open = await serve(feed);
    locked = await serve(feed, TOKEN);
  });
  afterAll(() => {
    open.server.close();
    locked.server.close();
    feed.close();
    engine.close();
  });

  it('serves one self-contained page whose CSP pins its inline script and style', async () => {
    const res = await fetch(`${open.base}/dashboard`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await res.text();
    expect(html).not.toMatch(/<script[^>]+src=|<link|@import|https?:\/\//);
    const csp = res.headers.get('content-security-policy')!;
    const script = /<script>([\s\S]*)<\/script>/.exec(html)![1]!;
    const style = /<style>([\s\S]*)<\/style>/.exec(html)![1]!;
    const hash = (s: string) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;
    expect(csp).toContain(`script-src ${hash(script)}`);
    expect(csp).toContain(`style-src ${hash(style)}`);
    expect(csp).toContain("default-src 'none'");
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('serves the feed as JSON, newer than `since` when asked', async () => {
    const all = (await (await fetch(`${open.base}/dashboard/data`)).json()) as DashboardData;
    expect(all.samples).toHaveLength(2);
    expect(all.tenants.map((t) => t.tenant)).toEqual(['acme']);
    expect(all.totals.requests).toBe(2);
    const newer = (await (
      await fetch(`${open.base}/dashboard/data?since=${all.samples[0]!.t}`)
    ).json()) as DashboardData;
    expect(newer.samples.map((s) => s.t)).toEqual([all.samples[1]!.t]);
  });

  it('leaves other paths to the caller and refuses other methods', async () => {
    const other = await fetch(`${open.base}/dashboardx`);
    expect(await other.text()).toBe('not the dashboard');
    const post = await fetch(`${open.base}/dashboard/data`, { method: 'POST' });
    expect(post.status).toBe(405);
    expectOpenAIError(await post.json(), 'method_not_allowed');
  });

  it('needs the admin token when one is configured: ?token= on the page, Bearer on data', async () => {
    for (const url of [
      '/dashboard',
      '/dashboard?token=wrong',
      '/dashboard/data',
      `/dashboard/data?token=${TOKEN}`,
    ]) {
      const res = await fetch(locked.base + url);
      expect(res.status, url).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      const body = await res.json();
      expectOpenAIError(body, 'invalid_api_key');
      expect(JSON.stringify(body)).not.toContain(TOKEN);
    }
    expect((await fetch(`${locked.base}/dashboard?token=${TOKEN}`)).status).toBe(200);
    const wrong = await fetch(`${locked.base}/dashboard/data`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    const ok = await fetch(`${locked.base}/dashboard/data`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as DashboardData).totals.requests).toBe(2);
  });
});
