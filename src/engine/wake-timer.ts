import type { Clock } from '../core/clock.js';
import type { Timers } from './timers.js';

/**
 * setTimeout's largest delay (2^31 - 1 ms, about 24.8 days). Node turns anything larger into a
 * 1 ms timer (with a TimeoutOverflowWarning), which made a far-off wake-up spin.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The delay to arm for clock ms `at`, or null when there is nothing to wake for (Infinity, or a
 * NaN that must never become a timer). At least 1 ms, so a timer that fires a hair early does not
 * spin; at most MAX_TIMER_MS, so a far wake-up fires early once in ~24.8 days and re-arms.
 */
export function timerDelay(at: number, now: number): number | null {
  if (!(at < Infinity)) return null;
  const ms = Math.ceil(at - now);
  if (!(ms >= 1)) return 1;
  return ms > MAX_TIMER_MS ? MAX_TIMER_MS : ms;
}

/** The engine's single timer: always armed for the earliest wake-up any pool asked for. */
export interface WakeTimer {
  /** Arms for clock ms `at` (Infinity disarms); re-arming for the same time is free. */
  arm(at: number): void;
  disarm(): void;
}

export function createWakeTimer(clock: Clock, timers: Timers, fire: () => void): WakeTimer {
  let handle: unknown = undefined;
  let armedAt = Infinity;
  const disarm = (): void => {
    if (handle !== undefined) timers.clearTimeout(handle);
    handle = undefined;
    armedAt = Infinity;
  };
  return {
    arm(at) {
      if (at === armedAt) return;
      disarm();
      const ms = timerDelay(at, clock.now());
      if (ms === null) return;
      armedAt = at;
      // A clamped timer fires before `at`: fire() finds nothing due and arms again for the rest.
      handle = timers.setTimeout(() => {
        handle = undefined;
        armedAt = Infinity;
        fire();
      }, ms);
    },
    disarm,
  };
}
