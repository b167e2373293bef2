import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { FastHistogram } from '../../../src/gateway/telemetry/histogram-cells.js';

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 1];

function pair(): {
  reference: Registry;
  fast: Registry;
  h: Histogram<'route' | 'model'>;
  f: FastHistogram<'route' | 'model'>;
} {
  const reference = new Registry();
  const fast = new Registry();
  const opts = {
    name: 'x_seconds',
    help: 'A latency',
    buckets: BUCKETS,
    labelNames: ['route', 'model'] as const,
  };
  return {
    reference,
    fast,
    h: new Histogram({ ...opts, labelNames: [...opts.labelNames], registers: [reference] }),
    f: new FastHistogram({ ...opts, registers: [fast] }),
  };
}

describe('FastHistogram', () => {
  it("exposes the same text as prom-client's Histogram for the same observations", async () => {
    const { reference, fast, h, f } = pair();
    // Values on bucket bounds, between them, past the last one, and 0.
    const values = [0, 0.005, 0.0051, 0.01, 0.02, 0.05, 0.07, 0.1, 0.5, 1, 3, 12.5];
    for (const [i, v] of values.entries()) {
      const labels = { route: i % 2 ? 'responses' : 'chat.completions', model: 'gpt-4o-mini' };
      h.observe(labels, v);
      if (i % 3 === 0) f.observe(labels, v);
      else f.cell(`${labels.route}\0${labels.model}`, () => labels).observe(v);
    }
    const want = await reference.metrics();
    expect(want).toContain('x_seconds_bucket{le="0.01",route="chat.completions",model="gpt-4o-mini"} 2');
    expect(await fast.metrics()).toBe(want);
  });

  it('observes without labels, drops NaN and starts over on reset', async () => {
    const reference = new Registry();
    const fast = new Registry();
    const h = new Histogram({ name: 'p_seconds', help: 'p', buckets: BUCKETS, registers: [reference] });
    const f = new FastHistogram({ name: 'p_seconds', help: 'p', buckets: BUCKETS, registers: [fast] });
    for (const v of [0.0001, 0.03, 2]) {
      h.observe(v);
      f.observe(v);
    }
    f.observe(Number.NaN);
    expect(await fast.metrics()).toBe(await reference.metrics());
    f.reset();
    expect(await fast.metrics()).not.toContain('p_seconds_count');
  });
});
