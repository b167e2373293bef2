import type { GatewayProcess } from './fleet.js';

/** Open-loop load spread round-robin over the gateways, paced to a multiple of the token ceiling. */
export interface LoadCounters {
  sent: number;
  ok: number;
  /** Shed by a gateway (its own 429 with retry-after): demand above the ceiling. */
  shed: number;
  /** Anything else (5xx, network errors). */
  failed: number;
  /** Tokens the successful answers report as used. */
  tokens: number;
}

export interface LoadOptions {
  gateways: GatewayProcess[];
  /** Tokens per wall second the upstream allows. */
  ceilingPerS: number;
  /** Demand as a multiple of the ceiling, in tokens actually used. */
  demand: number;
  promptText: string;
  maxTokens: number;
  model: string;
  /** First guess of tokens used per request (refined from the answers' usage). */
  guessTokens: number;
}

export interface RunningLoad {
  counters(): LoadCounters;
  /** Stops sending; resolves when every request in flight finished. */
  stop(): Promise<void>;
}

export function startLoad(o: LoadOptions): RunningLoad {
  const c: LoadCounters = { sent: 0, ok: 0, shed: 0, failed: 0, tokens: 0 };
  const inFlight = new Set<Promise<void>>();
  const body = JSON.stringify({
    model: o.model,
    messages: [{ role: 'user', content: o.promptText }],
    max_tokens: o.maxTokens,
  });
  let perRequest = o.guessTokens;
  let stopped = false;
  let next = 0;

  const fire = (): void => {
    const g = o.gateways[next++ % o.gateways.length]!;
    c.sent++;
    const p = fetch(`${g.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer pacer-demo-key' },
      body,
    })
      .then(async (r) => {
        const text = await r.text();
        if (r.status === 200) {
          c.ok++;
          const used = (JSON.parse(text) as { usage?: { total_tokens?: number } }).usage?.total_tokens ?? 0;
          c.tokens += used;
          // A slow moving average keeps the offered token rate at `demand` x the ceiling.
          perRequest = perRequest * 0.98 + used * 0.02;
        } else if (r.status === 429) c.shed++;
        else c.failed++;
      })
      .catch(() => void c.failed++)
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  };

  // Ticks of 20 ms carry the fractional arrivals over, so the rate holds at any value.
  let owed = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    if (stopped) return;
    const now = performance.now();
    owed += (((now - last) / 1000) * o.ceilingPerS * o.demand) / Math.max(1, perRequest);
    last = now;
    for (; owed >= 1; owed--) fire();
  }, 20);

  return {
    counters: () => ({ ...c }),
    async stop() {
      stopped = true;
      clearInterval(timer);
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}
