import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatTable, reportSchema, runBench } from '../../src/bench/index.js';

const tmp = (): string => mkdtempSync(path.join(tmpdir(), 'pacer-bench-'));

describe('runBench (real simulator, gateway and SDK on 127.0.0.1)', () => {
  it('runs steady with naive, sdk and pacer and writes a valid report.json and report.html', async () => {
    const dir = tmp();
    const { report, files } = await runBench({
      scenario: 'steady',
      compare: ['naive', 'sdk', 'pacer'],
      durationS: 1,
      timeScale: 40,
      seed: 11,
      reportDir: dir,
    });
    const parsed = reportSchema.parse(JSON.parse(readFileSync(files.json, 'utf8')));
    expect(parsed.strategies.map((s) => s.name)).toEqual(['naive', 'sdk', 'pacer']);
    const planned = report.scenario.planned_requests;
    expect(planned).toBeGreaterThan(10);
    for (const s of parsed.strategies) {
      expect(s.skipped).toBeNull();
      expect(s.summary.requests).toBe(planned);
      expect(s.summary.ok).toBeGreaterThan(planned / 2);
      expect(s.summary.e2e_ms.p50).toBeGreaterThan(0);
      expect(s.summary.ttft_ms.count).toBeGreaterThan(0);
      expect(s.summary.ttft_ms.p50!).toBeLessThanOrEqual(s.summary.e2e_ms.p99!);
      expect(s.summary.cost_usd).toBeGreaterThan(0);
      expect(s.summary.usage_tokens.input).toBeGreaterThan(0);
      // Upstream counters come from the simulator's own stats.
      expect(s.summary.upstream).not.toBeNull();
      expect(s.summary.upstream!.accepted).toBeGreaterThanOrEqual(s.summary.ok);
      expect(s.series.sent.reduce((a, b) => a + b, 0)).toBe(planned);
      expect(s.series.upstream_accepted.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
      for (const key of ['ok', 'errors', 'client_429', 'goodput_tpm', 'upstream_tpm'] as const)
        expect(s.series[key]).toHaveLength(s.series.t.length);
      expect(s.tenants[0]).toMatchObject({ name: 'app', requests: planned });
    }
    const pacer = parsed.strategies.find((s) => s.name === 'pacer')!;
    expect(pacer.gateway).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(pacer.summary.queue_ms?.count).toBeGreaterThan(0);

    const html = readFileSync(files.html, 'utf8');
    expect(html.match(/<svg /g)?.length).toBeGreaterThanOrEqual(4 + 2 * 3);
    expect(html).toContain('Goodput over time');
    expect(html).toContain('latency CDF');
    expect(html).toContain('429s');
    // Self-contained: no scripts, stylesheets, images or fonts fetched from anywhere.
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(/i);
    expect(html).not.toMatch(/\s(src|href)=/i);

    const table = formatTable(report);
    // Title, head, rule, three rows and the outcome legend; steady sets no goals.
    expect(table.split('\n')).toHaveLength(3 + 3 + 1);
    expect(table).toMatch(/^naive\s/m);
    expect(table).not.toContain('goals of scenario');
    for (const s of parsed.strategies) {
      const o = s.summary.outcomes!;
      expect(o.ok + o.shed + o.upstream_429 + o.other_error + o.unfinished).toBe(planned);
      expect(s.summary.client_visible_errors).toBe(o.upstream_429 + o.other_error);
      expect(s.goals).toBeNull();
    }
  }, 40_000);
});
