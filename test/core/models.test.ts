import { describe, expect, it } from 'vitest';
import { createSeededRng, forkRng, createManualClock } from '../../src/core/clock.js';
import { MODELS, findModel, poolOf } from '../../src/core/models.js';
import { countTokens } from '../../src/core/tokens/tokenizer.js';

describe('model catalog', () => {
  it('resolves aliases and dated snapshots to one family', () => {
    expect(findModel('gpt-4o-mini')?.id).toBe('gpt-4o-mini');
    expect(findModel('gpt-4o-mini-2024-07-18')?.id).toBe('gpt-4o-mini');
    expect(findModel('gpt-4o-2024-11-20')?.id).toBe('gpt-4o');
    expect(findModel('gpt-x')).toBeUndefined();
  });

  it('uses cl100k for embeddings and o200k for chat models, with real dimensions', () => {
    expect(findModel('text-embedding-3-small')).toMatchObject({ encoding: 'cl100k_base', dimensions: 1536 });
    expect(findModel('text-embedding-3-large')?.dimensions).toBe(3072);
    for (const m of MODELS.filter((x) => x.kind !== 'embedding')) expect(m.encoding).toBe('o200k_base');
  });

  it('lets realtime models share one pool', () => {
    const pools = new Set(MODELS.filter((m) => m.kind === 'realtime').map(poolOf));
    expect(pools).toEqual(new Set(['realtime']));
  });

  it('counts tokens with the real BPE, differently per encoding', () => {
    const text = 'Pacer paces by tokens and requests, before dispatch.';
    expect(countTokens(text, 'o200k_base')).toBeGreaterThan(5);
    expect(countTokens('', 'o200k_base')).toBe(0);
    expect(countTokens('hello world', 'cl100k_base')).toBe(2);
  });
});

describe('clock and rng', () => {
  it('repeats a seeded sequence and forks independent streams', () => {
    const a = createSeededRng(42);
    const b = createSeededRng(42);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
    expect(forkRng(42, 'latency').next()).not.toBe(forkRng(42, 'faults').next());
  });

  it('moves a manual clock only when told', () => {
    const c = createManualClock(100);
    c.advance(50);
    expect(c.now()).toBe(150);
    c.set(10);
    expect(c.now()).toBe(10);
  });
});
