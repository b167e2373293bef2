import type { InstanceRegistry } from './types.js';

export interface HeartbeatOptions {
  registry: InstanceRegistry;
  /** This instance's id (unique per process). */
  id: string;
  /** How often to beat (default 2000 ms). */
  intervalMs?: number;
  /** How long a beat counts (default 3 intervals, so one lost beat is forgiven). */
  ttlMs?: number;
  onCount(count: number): void;
  onError(err: unknown): void;
}

export interface Heartbeat {
  /** Beats once now (also what the timer does). */
  beat(): Promise<void>;
  /** Stops beating and leaves the registry (best effort). */
  stop(): Promise<void>;
}

/** Keeps this instance in the live-instance registry, so every instance knows N. */
export function startHeartbeat(options: HeartbeatOptions): Heartbeat {
  const intervalMs = options.intervalMs ?? 2000;
  const ttlMs = options.ttlMs ?? intervalMs * 3;
  let stopped = false;
  const beat = async (): Promise<void> => {
    if (stopped) return;
    try {
      options.onCount(await options.registry.beat(options.id, ttlMs));
    } catch (err) {
      options.onError(err);
    }
  };
  const timer = setInterval(() => void beat(), intervalMs);
  timer.unref();
  void beat();
  return {
    beat,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await options.registry.leave(options.id).catch(() => undefined);
    },
  };
}
