/**
 * When the drain after the load ends. A strategy that told a client "retry after X" (Pacer's
 * deadline shed, an upstream 429 the SDK honours) has not finished with that request until the
 * retry ran, so the drain lasts `drainMs` after the load stops or after the latest retry a
 * client was told to make, whichever is later. Capped, so a run always ends: two honoured
 * retries of at most a minute each (the SDK's retry count and openai-node 7.5's cap).
 */
export const MAX_DRAIN_EXTENSION_MS = 120_000;

export interface DrainWindow {
  /** An answer at `at` (wall ms) told its client to retry after `waitMs`. */
  told(at: number, waitMs: number): void;
  /** The load stopped at `at`. */
  loadEnded(at: number): void;
  /** Wall ms the drain lasts until (Infinity before the load ended). */
  until(): number;
}

export function createDrainWindow(drainMs: number): DrainWindow {
  let loadEnd = Infinity;
  let retryDue = -Infinity;
  return {
    told(at, waitMs) {
      retryDue = Math.max(retryDue, at + waitMs);
    },
    loadEnded(at) {
      loadEnd = at;
    },
    until() {
      if (loadEnd === Infinity) return Infinity;
      return Math.min(Math.max(loadEnd, retryDue) + drainMs, loadEnd + drainMs + MAX_DRAIN_EXTENSION_MS);
    },
  };
}
