import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../../src/gateway/telemetry/metrics.js';

const labels = { route: 'chat.completions', model: 'gpt-4o-mini', tenant: 'acme', status: '200' };

describe('counter cells', () => {
  it('scrape the same series and values as direct inc(), once, and zero adds still make a series', async () => {
    const direct = createMetrics(() => undefined, { defaultMetrics: false });
    const viaCells = createMetrics(() => undefined, { defaultMetrics: false });
    for (let i = 0; i < 3; i++) {
      direct.requests.inc(labels);
      viaCells.cells.requests.cell('k', () => labels).add(1);
    }
    direct.tokens.inc({ model: 'm', tenant: 't', kind: 'cached' }, 0);
    viaCells.cells.tokens.cell('m/t/c', () => ({ model: 'm', tenant: 't', kind: 'cached' })).add(0);
    direct.costUsd.inc({ model: 'm', tenant: 't' }, 0.25);
    viaCells.cells.costUsd.cell('m/t', () => ({ model: 'm', tenant: 't' })).add(0.25);
    const want = await direct.registry.metrics();
    expect(want).toContain(
      'pacer_requests_total{route="chat.completions",model="gpt-4o-mini",tenant="acme",status="200"} 3',
    );
    expect(want).toContain('pacer_tokens_total{model="m",tenant="t",kind="cached"} 0');
    expect(await viaCells.registry.metrics()).toBe(want);
    // A second scrape adds nothing new; later adds land on the same series.
    expect(await viaCells.registry.metrics()).toBe(want);
    viaCells.cells.requests.cell('k', () => labels).add(2);
    expect(await viaCells.registry.metrics()).toContain(
      'pacer_requests_total{route="chat.completions",model="gpt-4o-mini",tenant="acme",status="200"} 5',
    );
  });
});
