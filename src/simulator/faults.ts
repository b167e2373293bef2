import type { SimContext } from './context.js';

export type Fault =
  | { kind: 'none' }
  | { kind: '429'; retryAfterMs: number }
  | { kind: '5xx'; status: 500 | 503 }
  /** Stop after `at` (0..1) of the output and hold the socket, then destroy it. */
  | { kind: 'stall'; at: number }
  /** Destroy the socket before the response (at 0) or mid-way. */
  | { kind: 'reset'; at: number };

export interface FaultInjector {
  /** Draws this request's fault; always the same number of draws, so one seed = one schedule. */
  draw(): Fault;
}

/** --fault-429 starts a burst: this and the next 1-6 requests get a 429. */
export function createFaultInjector(ctx: SimContext): FaultInjector {
  const o = ctx.options;
  const rng = ctx.rng('faults');
  let burstLeft = 0;
  return {
    draw() {
      const u429 = rng.next();
      const burst = rng.next();
      const u5xx = rng.next();
      const uStall = rng.next();
      const uReset = rng.next();
      const where = rng.next();
      if (burstLeft > 0 || u429 < o.fault429) {
        burstLeft = burstLeft > 0 ? burstLeft - 1 : 1 + Math.floor(burst * 6);
        return { kind: '429', retryAfterMs: ctx.scale(200 + Math.floor(where * 1800)) };
      }
      if (u5xx < o.fault5xx) return { kind: '5xx', status: where < 0.7 ? 500 : 503 };
      if (uStall < o.faultStall) return { kind: 'stall', at: where };
      if (uReset < o.faultReset) return { kind: 'reset', at: where < 0.3 ? 0 : where };
      return { kind: 'none' };
    },
  };
}

export const SERVER_ERROR_MESSAGE =
  'The server had an error while processing your request. Sorry about that!';
export const OVERLOADED_MESSAGE = 'The engine is currently overloaded, please try again later.';
