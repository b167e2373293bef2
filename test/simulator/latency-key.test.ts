import { describe, expect, it } from 'vitest';
import { createSimContext } from '../../src/simulator/context.js';
import { latencyRngFor, planLatency, type LatencyPlan } from '../../src/simulator/latency.js';

// The simulator's per-request latency draw, as the chat and responses routes make it.
function draw(ctx: ReturnType<typeof createSimContext>, headers: Record<string, string>): LatencyPlan {
  return planLatency(latencyRngFor(ctx, headers), 150, 100, 1);
}

describe('latency keyed by x-client-request-id', () => {
  it('gives a request the same TTFT and rate whatever else the simulator served first', () => {
    const alone = createSimContext({ seed: 7 });
    const busy = createSimContext({ seed: 7 });
    const first = draw(alone, { 'x-client-request-id': 'bench-42' });
    for (let i = 0; i < 25; i++) draw(busy, { 'x-client-request-id': `bench-${i}` });
    for (let i = 0; i < 5; i++) draw(busy, {});
    const later = draw(busy, { 'x-client-request-id': 'bench-42' });
    expect(later).toEqual(first);
  });

  it('differs between ids and between seeds', () => {
    const ctx = createSimContext({ seed: 7 });
    const ttfts = new Set<number>();
    for (let i = 0; i < 50; i++) ttfts.add(draw(ctx, { 'x-client-request-id': `bench-${i}` }).ttftMs);
    expect(ttfts.size).toBe(50);
    const other = createSimContext({ seed: 8 });
    expect(draw(other, { 'x-client-request-id': 'bench-1' })).not.toEqual(
      draw(ctx, { 'x-client-request-id': 'bench-1' }),
    );
  });

  it('keeps the sequential stream without the header (order matters there)', () => {
    const a = createSimContext({ seed: 7 });
    const b = createSimContext({ seed: 7 });
    const firstA = draw(a, {});
    draw(b, {});
    expect(draw(b, {})).not.toEqual(firstA);
    // Keyed requests do not consume the shared stream.
    const c = createSimContext({ seed: 7 });
    draw(c, { 'x-client-request-id': 'bench-3' });
    expect(draw(c, {})).toEqual(firstA);
  });

  it('ignores ids that are too long or not printable ASCII', () => {
    const a = createSimContext({ seed: 7 });
    const b = createSimContext({ seed: 7 });
    expect(draw(a, { 'x-client-request-id': 'x'.repeat(513) })).toEqual(draw(b, {}));
    expect(draw(a, { 'x-client-request-id': 'caf\u00e9' })).toEqual(draw(b, {}));
  });
});
