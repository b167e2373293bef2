/**
 * The overhead bench's load generator, run in a process of its own so that measuring does not
 * share an event loop with anything measured. Requests go out through undici's dispatch API
 * (no Readable, no promise per request) on one keep-alive pool per target, kept for the run.
 * Open loop: arrivals on a fixed schedule whatever the latency. Closed loop: N workers, each
 * sending its next request when the last one ends.
 */
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import type { Dispatcher } from 'undici';

export interface LoadSpec {
  url: string;
  headers: Record<string, string>;
  stream: boolean;
  /** Requests a second (open loop), or... */
  rate?: number;
  /** ...connections each sending back to back (closed loop). */
  concurrency?: number;
  seconds: number;
}

export interface LoadResult {
  sent: number;
  ok: number;
  errors: number;
  elapsedS: number;
  /** Latency in ms: the whole answer for JSON, the first body byte for a stream. */
  p50: number;
  p99: number;
  p999: number;
  max: number;
}

const pools = new Map<string, Pool>();

function poolFor(origin: string): Pool {
  let p = pools.get(origin);
  if (!p) pools.set(origin, (p = new Pool(origin, { connections: 512, pipelining: 1 })));
  return p;
}

function bodyOf(stream: boolean): Buffer {
  return Buffer.from(
    JSON.stringify({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Say hello in five words.' }],
      max_completion_tokens: 16,
      ...(stream ? { stream: true } : {}),
    }),
  );
}

/** One request; `done` gets its latency in ms, or -1 for a failure. */
function once(
  pool: Pool,
  opts: Dispatcher.DispatchOptions,
  stream: boolean,
  done: (ms: number) => void,
): void {
  const t0 = performance.now();
  let status = 0;
  let first = -1;
  pool.dispatch(opts, {
    onRequestStart() {},
    onResponseStart(_c, statusCode) {
      status = statusCode;
    },
    onResponseData() {
      if (first < 0) first = performance.now();
    },
    onResponseEnd() {
      if (status !== 200) return done(-1);
      done((stream ? first : performance.now()) - t0);
    },
    onResponseError() {
      done(-1);
    },
  });
}

export async function drive(spec: LoadSpec): Promise<LoadResult> {
  const url = new URL(spec.url);
  const pool = poolFor(url.origin);
  const headers: string[] = ['content-type', 'application/json'];
  for (const [k, v] of Object.entries(spec.headers)) headers.push(k, v);
  const opts: Dispatcher.DispatchOptions = {
    method: 'POST',
    path: `${url.pathname}/chat/completions`,
    headers,
    body: bodyOf(spec.stream),
  };
  const lat: number[] = [];
  let sent = 0;
  let errors = 0;
  let inflight = 0;
  let drained: (() => void) | null = null;
  const started = performance.now();
  const end = started + spec.seconds * 1000;
  const send = (onDone?: () => void): void => {
    sent++;
    inflight++;
    once(pool, opts, spec.stream, (ms) => {
      inflight--;
      if (ms < 0) errors++;
      else lat.push(ms);
      if (onDone) onDone();
      else if (inflight === 0 && drained) drained();
    });
  };
  if (spec.rate !== undefined) {
    const interval = 1000 / spec.rate;
    let next = started;
    while (next < end) {
      const now = performance.now();
      while (next <= now && next < end) {
        send();
        next += interval;
      }
      await new Promise((r) => setTimeout(r, 1));
    }
    if (inflight > 0) await new Promise<void>((r) => (drained = r));
  } else {
    await new Promise<void>((resolve) => {
      let workers = spec.concurrency ?? 32;
      const loop = (): void => {
        if (performance.now() >= end) {
          if (--workers === 0) resolve();
          return;
        }
        send(loop);
      };
      for (let i = workers; i > 0; i--) loop();
    });
  }
  const elapsedS = (performance.now() - started) / 1000;
  lat.sort((a, b) => a - b);
  const q = (p: number): number => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] ?? NaN;
  return {
    sent,
    ok: lat.length,
    errors,
    elapsedS,
    p50: q(0.5),
    p99: q(0.99),
    p999: q(0.999),
    max: lat[lat.length - 1] ?? NaN,
  };
}

export async function closePools(): Promise<void> {
  await Promise.all([...pools.values()].map((p) => p.close().catch(() => undefined)));
  pools.clear();
}
