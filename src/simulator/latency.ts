import type { IncomingHttpHeaders } from 'node:http';
import { forkRng, type Rng } from '../core/clock.js';
import type { SimContext } from './context.js';
import { lognormal } from './text/generator.js';

export interface LatencyPlan {
  /** Wall-clock ms before the first token. */
  ttftMs: number;
  /** Wall-clock ms per output token (0 = as fast as the socket takes it). */
  msPerToken: number;
}

/**
 * TTFT: lognormal around the median with a Pareto tail on ~3% of requests, so p99 sits well
 * above p50 as it does upstream. Throughput: lognormal around tokens/s. Both divided by the
 * time scale.
 */
export function planLatency(
  rng: Rng,
  ttftMedianMs: number,
  tokensPerS: number,
  timeScale: number,
): LatencyPlan {
  const a = rng.next();
  const b = rng.next();
  let ttft = ttftMedianMs > 0 ? lognormal(rng, ttftMedianMs, 0.35) : 0;
  if (a < 0.03 && ttft > 0) ttft *= Math.min(20, Math.pow(1 - b, -1 / 1.5));
  const rate = tokensPerS > 0 && Number.isFinite(tokensPerS) ? lognormal(rng, tokensPerS, 0.2) : Infinity;
  return { ttftMs: ttft / timeScale, msPerToken: rate === Infinity ? 0 : 1000 / rate / timeScale };
}

/** Longest x-client-request-id taken as a key; printable ASCII only, anything else is ignored. */
const MAX_CLIENT_ID = 512;
const PRINTABLE = /^[\x20-\x7e]+$/;

/**
 * The rng for one request's latency plan. With an `x-client-request-id`, a stream forked from
 * (seed, id): the same request gets the same TTFT and rate whatever else the simulator serves,
 * which is what paired bench runs compare. Without one, the shared sequential stream, as before.
 */
export function latencyRngFor(ctx: SimContext, headers: IncomingHttpHeaders): Rng {
  const id = headers['x-client-request-id'];
  if (typeof id === 'string' && id.length <= MAX_CLIENT_ID && PRINTABLE.test(id))
    return forkRng(ctx.options.seed, `latency:${id}`);
  return ctx.rng('latency');
}
