import { createManualClock, type ManualClock } from '../../src/core/clock.js';
import type { Timers } from '../../src/engine/timers.js';

export interface FakeTime {
  clock: ManualClock;
  timers: Timers;
  /** Moves time forward, firing due timers in order and letting promises settle after each. */
  advance(ms: number): Promise<void>;
  pending(): number;
}

export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

export function createFakeTime(start = 0): FakeTime {
  const clock = createManualClock(start);
  let seq = 0;
  const queue = new Map<number, { at: number; fn: () => void }>();
  const timers: Timers = {
    setTimeout(fn, ms) {
      const id = ++seq;
      queue.set(id, { at: clock.now() + ms, fn });
      return id;
    },
    clearTimeout(h) {
      queue.delete(h as number);
    },
  };
  async function advance(ms: number): Promise<void> {
    const target = clock.now() + ms;
    for (let guard = 0; guard < 100_000; guard++) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const e of queue) if (e[1].at <= target && (!next || e[1].at < next[1].at)) next = e;
      if (!next) break;
      queue.delete(next[0]);
      clock.set(Math.max(clock.now(), next[1].at));
      next[1].fn();
      await flush();
    }
    clock.set(target);
    await flush();
  }
  return { clock, timers, advance, pending: () => queue.size };
}
