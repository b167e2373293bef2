import { createManualClock, type ManualClock } from '../../src/core/clock.js';
import type { Timers } from '../../src/engine/timers.js';
import type { DashboardEvent } from '../../src/dashboard/types.js';

/** A manual clock plus timers that fire only when the test advances time. */
export interface FakeTime {
  clock: ManualClock;
  timers: Timers;
  pending(): number;
  /** Moves the clock forward and runs every timer that came due, in order. */
  advance(ms: number): void;
}

export function createFakeTime(start: number): FakeTime {
  const clock = createManualClock(start);
  let queue: { id: number; at: number; fn: () => void }[] = [];
  let nextId = 1;
  const timers: Timers = {
    setTimeout(fn, ms) {
      const id = nextId++;
      queue.push({ id, at: clock.now() + ms, fn });
      return id;
    },
    clearTimeout(handle) {
      queue = queue.filter((t) => t.id !== handle);
    },
  };
  function advance(ms: number): void {
    const target = clock.now() + ms;
    for (let guard = 0; guard < 100_000; guard++) {
      queue.sort((a, b) => a.at - b.at || a.id - b.id);
      const due = queue[0];
      if (!due || due.at > target) break;
      queue.shift();
      clock.set(Math.max(clock.now(), due.at));
      due.fn();
    }
    clock.set(target);
  }
  return { clock, timers, pending: () => queue.length, advance };
}

export function makeEvent(over: Partial<DashboardEvent> = {}): DashboardEvent {
  return {
    ts: 0,
    tenant: 'acme',
    model: 'gpt-4o-mini',
    route: '/v1/chat/completions',
    status: 200,
    priority: 'default',
    queueMs: 0,
    ttftMs: 100,
    durationMs: 500,
    tokensIn: 100,
    tokensOut: 50,
    costUsd: 0.001,
    upstream429: false,
    retries: 0,
    ...over,
  };
}

export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}
