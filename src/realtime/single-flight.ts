import { randomUUID } from 'node:crypto';
import { PacerError, type ErrorCode } from '../core/errors.js';
import type { RealtimeStore } from '../store/realtime/types.js';
import { rtKeys } from './keys.js';

export interface FlightOptions {
  /** Lock lifetime: how long a crashed leader blocks others (default 10 s). */
  lockTtlMs?: number;
  /** How long the result stays readable for waiters (default 5 s). */
  resultTtlMs?: number;
  pollMs?: number;
}

const followerErrors = new WeakSet<object>();

/** True for an error a follower got from someone else's flight (it did not run the work itself). */
export function isFollowerError(err: unknown): err is PacerError {
  return err instanceof PacerError && followerErrors.has(err);
}

function asFollower(err: unknown): unknown {
  if (!(err instanceof PacerError)) return err;
  const copy = new PacerError(err.code, err.message, {
    openaiCode: err.openaiCode,
    ...(err.retryAfterMs === undefined ? {} : { retryAfterMs: err.retryAfterMs }),
  });
  followerErrors.add(copy);
  return copy;
}

interface StoredOutcome<T> {
  ok?: T;
  err?: { code: ErrorCode; message: string; retryAfterMs?: number; openaiCode: string | null };
}

/**
 * Identical concurrent requests share one piece of work: in-process through a promise map, across
 * instances through a store lock (SET NX PX) whose value names the flight; waiters poll for that
 * flight's result (or the lock's disappearance, then try to lead). PacerErrors are shared too,
 * so a 429 does not turn into a herd of retries.
 */
export function createSingleFlight(
  store: RealtimeStore,
  sleep: (ms: number) => Promise<void>,
  now: () => number,
  opts: FlightOptions = {},
) {
  const lockTtlMs = opts.lockTtlMs ?? 10_000;
  const resultTtlMs = opts.resultTtlMs ?? 5_000;
  const pollMs = opts.pollMs ?? 20;
  const local = new Map<string, Promise<{ value: unknown; shared: boolean }>>();

  async function lead<T>(
    key: string,
    deadline: number,
    work: () => Promise<T>,
  ): Promise<{ value: T; shared: boolean }> {
    const lockKey = rtKeys.flightLock(key);
    for (;;) {
      const flightId = randomUUID();
      if (await store.lock(lockKey, flightId, lockTtlMs)) {
        const resultKey = rtKeys.flightResult(key, flightId);
        try {
          const value = await work();
          await store.set(resultKey, JSON.stringify({ ok: value } satisfies StoredOutcome<T>), resultTtlMs);
          return { value, shared: false };
        } catch (err) {
          if (err instanceof PacerError) {
            const stored: StoredOutcome<T> = {
              err: {
                code: err.code,
                message: err.message,
                openaiCode: err.openaiCode,
                ...(err.retryAfterMs === undefined ? {} : { retryAfterMs: err.retryAfterMs }),
              },
            };
            await store
              .set(resultKey, JSON.stringify(stored), Math.min(resultTtlMs, 2_000))
              .catch(() => undefined);
          }
          throw err;
        } finally {
          await store.unlock(lockKey, flightId).catch(() => undefined);
        }
      }
      // Someone else leads: follow their flight until it ends.
      for (;;) {
        const current = await store.get(lockKey);
        if (current === null) break;
        const raw = await store.get(rtKeys.flightResult(key, current));
        if (raw !== null) return { value: unpack<T>(raw), shared: true };
        if (now() >= deadline)
          throw new PacerError(
            'PACER_DEADLINE_EXCEEDED',
            'An identical request is still in flight; try again shortly.',
            { retryAfterMs: 1000 },
          );
        await sleep(pollMs);
        const after = await store.get(rtKeys.flightResult(key, current));
        if (after !== null) return { value: unpack<T>(after), shared: true };
      }
    }
  }

  return {
    /** Runs `work` once per key at a time across every instance sharing the store. */
    async run<T>(
      key: string,
      deadline: number,
      work: () => Promise<T>,
    ): Promise<{ value: T; shared: boolean }> {
      const pending = local.get(key);
      if (pending) {
        try {
          return { value: (await pending).value as T, shared: true };
        } catch (err) {
          throw asFollower(err);
        }
      }
      const p = lead(key, deadline, work);
      local.set(key, p);
      try {
        return await p;
      } finally {
        local.delete(key);
      }
    },
  };
}

function unpack<T>(raw: string): T {
  const o = JSON.parse(raw) as StoredOutcome<T>;
  if (o.err)
    throw asFollower(
      new PacerError(o.err.code, o.err.message, {
        openaiCode: o.err.openaiCode,
        ...(o.err.retryAfterMs === undefined ? {} : { retryAfterMs: o.err.retryAfterMs }),
      }),
    );
  return o.ok as T;
}
