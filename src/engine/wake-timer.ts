import type { Clock } from '../core/clock.js';
import type { Timers } from './timers.js';

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
      if (at === Infinity) return;
      armedAt = at;
      // At least 1 ms: a timer that fires a hair early must not spin.
      handle = timers.setTimeout(
        () => {
          handle = undefined;
          armedAt = Infinity;
          fire();
        },
        Math.max(1, Math.ceil(at - clock.now())),
      );
    },
    disarm,
  };
}
