import { afterEach, describe, expect, it } from 'vitest';
import { createSeededRng } from '../../src/core/clock.js';
import { createEngine } from '../../src/engine/index.js';
import type { Timers } from '../../src/engine/timers.js';
import { systemTimers } from '../../src/engine/timers.js';
import { MAX_TIMER_MS, timerDelay } from '../../src/engine/wake-timer.js';
import type { AcquireResult } from '../../src/engine/types.js';
import { createFakeTime, flush } from './fake-timers.js';

/** Timers that record every delay asked for. */
function recording(inner: Timers): Timers & { delays: number[] } {
  const delays: number[] = [];
  return {
    delays,
    setTimeout(fn, ms) {
      delays.push(ms);
      return inner.setTimeout(fn, ms);
    },
    clearTimeout: (h) => inner.clearTimeout(h),
  };
}

const cold = (o: Record<string, unknown> = {}) => ({
  pool: 'cold',
  tenant: 't',
  priority: 'default' as const,
  tokens: 10,
  ...o,
});

describe('timerDelay', () => {
  it('clamps every delay into [1, 2^31 - 1] ms and arms nothing for Infinity or NaN', () => {
    expect(timerDelay(1000, 0)).toBe(1000);
    expect(timerDelay(1000.2, 0)).toBe(1001);
    expect(timerDelay(0, 5)).toBe(1); // late: at once, but never 0 (no spin on an early fire)
    expect(timerDelay(1e99, 0)).toBe(MAX_TIMER_MS);
    expect(timerDelay(3e9, 0)).toBe(MAX_TIMER_MS);
    expect(timerDelay(Infinity, 0)).toBeNull();
    expect(timerDelay(Number.NaN, 0)).toBeNull();
  });
});

describe('the wake timer with far deadlines', () => {
  it('a gate that is Infinity arms no timer of its own: the deadline only, clamped', async () => {
    const time = createFakeTime(0);
    const timers = recording(time.timers);
    const engine = createEngine({}, { clock: time.clock, timers, rng: createSeededRng(1) });
    const first = await engine.acquire(cold());
    expect(first.ok).toBe(true);
    let second: AcquireResult | undefined;
    // Cold start with a request in flight: the gate is Infinity until the first answer.
    void engine.acquire(cold({ deadlineMs: 1e99 })).then((r) => (second = r));
    await time.advance(3_600_000);
    expect(second).toBeUndefined();
    expect(timers.delays.length).toBeLessThanOrEqual(1);
    for (const d of timers.delays) expect(d).toBeLessThanOrEqual(MAX_TIMER_MS);
    // The event that changes the gate wakes the queue, not a timer.
    engine.observe({
      pool: 'cold',
      status: 200,
      headers: { 'x-ratelimit-limit-tokens': '6000', 'x-ratelimit-remaining-tokens': '5990' },
      sentAt: time.clock.now(),
      receivedAt: time.clock.now(),
    });
    await flush();
    expect(second).toMatchObject({ ok: true });
    engine.close();
  });

  it('a half-open probe in flight holds the queue until it settles, with no timer spinning', async () => {
    const time = createFakeTime(0);
    const timers = recording(time.timers);
    const engine = createEngine(
      { pools: { p: { models: ['m'], tpm: 60_000 } }, breaker: { threshold: 1, cooldownMs: 1000 } },
      { clock: time.clock, timers, rng: createSeededRng(1) },
    );
    const now = () => time.clock.now();
    engine.observe({ pool: 'p', status: 500, headers: {}, sentAt: now(), receivedAt: now() });
    await time.advance(1000);
    const probe = await engine.acquire({ pool: 'p', tenant: 't', priority: 'default', tokens: 1 });
    if (!probe.ok) throw new Error('the probe was refused');
    let next: AcquireResult | undefined;
    void engine
      .acquire({ pool: 'p', tenant: 't', priority: 'default', tokens: 1, deadlineMs: 3e9 })
      .then((r) => (next = r));
    const before = timers.delays.length;
    await time.advance(600_000);
    expect(next).toBeUndefined();
    expect(timers.delays.length - before).toBeLessThanOrEqual(1);
    for (const d of timers.delays) expect(d).toBeLessThanOrEqual(MAX_TIMER_MS);
    engine.observe({ pool: 'p', status: 200, headers: {}, sentAt: now(), receivedAt: now() });
    probe.lease.settle(1);
    await flush();
    expect(next).toMatchObject({ ok: true });
    engine.close();
  });

  describe('with real timers', () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error): void => void warnings.push(w);
    afterEach(() => {
      process.off('warning', onWarning);
    });

    it('a deadline of 3e9 ms neither warns nor spins', async () => {
      process.on('warning', onWarning);
      const timers = recording(systemTimers);
      const engine = createEngine({}, { timers });
      expect((await engine.acquire(cold())).ok).toBe(true);
      const waiting = engine.acquire(cold({ deadlineMs: 3e9 }));
      const waiting2 = engine.acquire(cold({ deadlineMs: 1e99 }));
      await new Promise((r) => setTimeout(r, 120));
      // Before the clamp: ~840 one-millisecond timers a second and a TimeoutOverflowWarning.
      expect(timers.delays.length).toBeLessThanOrEqual(2);
      engine.close();
      expect(await waiting).toMatchObject({ ok: false, reason: 'closed' });
      expect(await waiting2).toMatchObject({ ok: false, reason: 'closed' });
      expect(warnings.filter((w) => w.name === 'TimeoutOverflowWarning')).toEqual([]);
    });
  });
});
