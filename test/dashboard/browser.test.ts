import { existsSync, mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDashboardFeed, type DashboardFeed } from '../../src/dashboard/feed.js';
import { createDashboardHandler } from '../../src/dashboard/handler.js';
import { createEngine, type AcquireResult, type Lease, type PacingEngine } from '../../src/engine/index.js';
import { createFakeTime, flush, makeEvent } from './fakes.js';
import { playTraffic } from './traffic.js';

const CHROMIUM = '/usr/bin/chromium';
const TOKEN = 'dash-admin-token';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && !process.env.CI) {
  console.warn(
    `\n!!! SKIPPING the dashboard browser test: ${CHROMIUM} is missing (install chromium to run it; CI installs it) !!!\n`,
  );
}

describe.skipIf(!haveChromium && !process.env.CI)(
  'dashboard in headless Chromium',
  { timeout: 20_000 },
  () => {
    const time = createFakeTime(Date.UTC(2026, 0, 15, 9, 30, 0));
    let engine: PacingEngine;
    let feed: DashboardFeed;
    let server: Server;
    let base: string;
    let browser: Browser;
    const leases: Lease[] = [];
    const queued: Promise<AcquireResult>[] = [];

    beforeAll(async () => {
      // A real engine on the fake clock: two pools, one busy, one paused with its breaker open.
      engine = createEngine(
        {
          pools: {
            'gpt-4o-mini': { models: ['gpt-4o-mini'], rpm: 30_000, tpm: 400_000 },
            'gpt-4o': { models: ['gpt-4o'], rpm: 5000, tpm: 80_000 },
          },
        },
        { clock: time.clock, timers: time.timers },
      );
      feed = createDashboardFeed({ engine, clock: time.clock, timers: time.timers });
      playTraffic(feed, time, 150);
      for (let i = 0; i < 3; i++) {
        const p = engine.acquire({
          pool: 'gpt-4o-mini',
          tenant: 'acme',
          priority: 'interactive',
          tokens: 400,
        });
        time.advance(50);
        await flush();
        const r = await p;
        if (r.ok) leases.push(r.lease);
      }
      // A big reservation puts the pool's token bucket in debt, so these wait in its queue.
      const big = engine.acquire({
        pool: 'gpt-4o-mini',
        tenant: 'globex',
        priority: 'batch',
        tokens: 350_000,
      });
      time.advance(50);
      await flush();
      const bigResult = await big;
      if (bigResult.ok) leases.push(bigResult.lease);
      for (const priority of ['interactive', 'default', 'default', 'batch'] as const) {
        queued.push(
          engine.acquire({
            pool: 'gpt-4o-mini',
            tenant: 'initech',
            priority,
            tokens: 500,
            deadlineMs: 600_000,
          }),
        );
      }
      await flush();
      time.advance(2000);
      const now = time.clock.now();
      engine.observe({
        pool: 'gpt-4o',
        status: 429,
        headers: { 'retry-after-ms': '20000' },
        sentAt: now,
        receivedAt: now,
        rateLimitType: 'tokens',
      });
      for (let i = 0; i < 6; i++)
        engine.observe({ pool: 'gpt-4o', status: 503, headers: {}, sentAt: now, receivedAt: now });
      time.advance(1000);

      const handle = createDashboardHandler(feed, { adminToken: TOKEN });
      server = createServer((req, res) => {
        if (!handle(req, res)) res.writeHead(404).end();
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      });
    });

    afterAll(async () => {
      await browser?.close();
      server?.close();
      for (const l of leases) l.cancel();
      feed?.close();
      engine?.close();
      await Promise.all(queued);
    });

    it('refuses the page without the admin token or with a wrong one', async () => {
      const page = await browser.newPage();
      for (const url of ['/dashboard', '/dashboard?token=wrong']) {
        const res = await page.goto(base + url);
        expect(res!.status(), url).toBe(401);
        const body = JSON.parse(await res!.text()) as { error: { code: string; type: string } };
        expect(body.error).toMatchObject({ code: 'invalid_api_key', type: 'invalid_request_error' });
      }
      await page.close();
    });

    it('renders charts, pools and tenants with live numbers, then updates them', async () => {
      const page = await browser.newPage({ viewport: { width: 1360, height: 1100 } });
      const problems: string[] = [];
      const foreign: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(m.text());
      });
      page.on('pageerror', (e) => problems.push(e.message));
      const polls: { url: string; auth: string | undefined }[] = [];
      page.on('request', (r) => {
        if (!r.url().startsWith(base)) foreign.push(r.url());
        if (r.url().includes('/dashboard/data'))
          polls.push({ url: r.url(), auth: r.headers()['authorization'] });
      });
      await page.goto(`${base}/dashboard?token=${TOKEN}`);
      await page.waitForSelector('#tenants tr[data-tenant="acme"]');
      await page.waitForSelector('#pools [data-pool="gpt-4o-mini"] polyline');

      const data = feed.data();
      const acme = data.tenants.find((t) => t.tenant === 'acme')!;
      const cells = async (tenant: string) =>
        page.locator(`#tenants tr[data-tenant="${tenant}"] td`).allTextContents();
      expect(await cells('acme')).toEqual([
        'acme',
        acme.requests.toLocaleString('en-US'),
        String(acme.errors),
        acme.tokensIn.toLocaleString('en-US'),
        acme.tokensOut.toLocaleString('en-US'),
        expect.stringMatching(/^\$\d/),
        expect.stringMatching(/ (ms|s)$/),
      ]);
      expect(await page.locator('#kpi-cost .value').textContent()).toBe(`$${data.totals.costUsd.toFixed(2)}`);
      // Every chart drew lines; the pool chart has its tpm limit line.
      for (const id of ['chart-requests', 'chart-ttft', 'chart-queue', 'chart-wait']) {
        expect(await page.locator(`#${id} polyline`).count(), id).toBeGreaterThan(0);
      }
      expect(await page.locator('#pools [data-pool="gpt-4o-mini"] .limit-label').textContent()).toBe(
        'limit 400k',
      );
      const badges = await page.locator('#pools [data-pool="gpt-4o"] .badge').allTextContents();
      expect(badges).toContain('breaker open');
      expect(badges.some((b) => b.startsWith('paused'))).toBe(true);
      expect(await page.locator('#pools [data-pool="gpt-4o-mini"] .badge').allTextContents()).toEqual([
        'breaker closed',
      ]);
      expect(await page.locator('#pools [data-pool="gpt-4o-mini"] .stats').textContent()).toContain(
        'in flight 4',
      );
      expect(await page.locator('#pools [data-pool="gpt-4o-mini"] .stats').textContent()).toContain(
        'queued 1 / 2 / 1',
      );
      await expect.poll(() => page.locator('#status').getAttribute('class')).toBe('live');

      // New traffic: a new tenant appears and acme's count grows on the next poll.
      for (let i = 0; i < 5; i++)
        feed.record(makeEvent({ tenant: 'umbrella', ts: time.clock.now(), tokensIn: 1234, tokensOut: 56 }));
      for (let i = 0; i < 7; i++) feed.record(makeEvent({ tenant: 'acme', ts: time.clock.now() }));
      time.advance(1000);
      await page.waitForSelector('#tenants tr[data-tenant="umbrella"]');
      expect(await cells('umbrella')).toEqual(expect.arrayContaining(['umbrella', '5', '0', '6,170', '280']));
      expect((await cells('acme'))[1]).toBe((acme.requests + 7).toLocaleString('en-US'));

      const dir = mkdtempSync(join(tmpdir(), 'pacer-dashboard-'));
      const shot = join(dir, 'dashboard.png');
      await page.screenshot({ path: shot, fullPage: true });
      await page.emulateMedia({ colorScheme: 'dark' });
      await page.screenshot({ path: join(dir, 'dashboard-dark.png'), fullPage: true });
      console.log(`dashboard screenshots: ${shot} and dashboard-dark.png beside it`);
      // The page polls with the token as a Bearer header, never in the data URL.
      expect(polls.length).toBeGreaterThan(1);
      for (const p of polls) {
        expect(p.auth).toBe(`Bearer ${TOKEN}`);
        expect(p.url).not.toContain(TOKEN);
      }
      expect(problems).toEqual([]);
      expect(foreign).toEqual([]);
      await page.close();
    });
  },
);
