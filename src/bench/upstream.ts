import type { RunningSimulator, SimStats, SimulatorOptions } from '../simulator/types.js';
import type { Scenario, TenantSpec } from './scenario.js';

/** Where a strategy's traffic goes, and how to read the upstream's counters afterwards. */
export interface Upstream {
  /** Base URL including /v1. */
  url: string;
  apiKey: string;
  /** Counters since the upstream was opened (null when the target does not expose /sim/stats). */
  stats(): Promise<SimStats | null>;
  close(): Promise<void>;
}

export interface GatewayHandle {
  url: string;
  close(): Promise<void>;
}

interface GatewayModule {
  startGateway(opts: {
    port?: number;
    host?: string;
    upstreamBaseUrl: string;
    upstreamApiKey?: string;
    timeScale?: number;
    config?: unknown;
    env?: Record<string, string>;
    log?: (line: string) => void;
  }): Promise<GatewayHandle>;
}

interface SimulatorModule {
  startSimulator(options: SimulatorOptions): Promise<RunningSimulator>;
}

/** The virtual key of a scenario tenant in the gateway the bench starts (a static key in its config). */
export function tenantKey(tenant: string): string {
  return `pacer-bench-${tenant}`;
}
const BENCH_UPSTREAM_KEY = 'sk-pacer-bench';

export function simulatorOptions(s: Scenario, timeScale: number, seed: number): SimulatorOptions {
  const sim = s.simulator;
  const o: SimulatorOptions = {
    port: 0,
    host: '127.0.0.1',
    rpm: sim.rpm,
    tpm: sim.tpm,
    ttftMs: sim.ttft_ms,
    tokensPerS: sim.tokens_per_s,
    fault429: sim.fault_429,
    fault5xx: sim.fault_5xx,
    faultStall: sim.fault_stall,
    faultReset: sim.fault_reset,
    timeScale,
    seed,
    settleUsage: sim.settle_usage,
  };
  if (sim.rpd !== undefined) o.rpd = sim.rpd;
  if (sim.tpd !== undefined) o.tpd = sim.tpd;
  return o;
}

/** A fresh simulator on port 0, so every strategy starts with full buckets and zeroed stats. */
export async function startFreshSimulator(options: SimulatorOptions): Promise<Upstream> {
  // Imported at run time: the bench compiles and its unit tests run without the simulator.
  const mod = (await import('../simulator/index.js' as string)) as SimulatorModule;
  const sim = await mod.startSimulator(options);
  return {
    url: sim.url,
    apiKey: BENCH_UPSTREAM_KEY,
    stats: async () => sim.stats(),
    close: () => sim.close(),
  };
}

/** An upstream someone else runs; its /sim/stats (if any) is diffed against a baseline. */
export async function openTarget(url: string, apiKey: string): Promise<Upstream> {
  const statsUrl = new URL('/sim/stats', url).toString();
  const read = async (): Promise<SimStats | null> => {
    try {
      const res = await fetch(statsUrl);
      return res.ok ? ((await res.json()) as SimStats) : null;
    } catch {
      return null;
    }
  };
  const baseline = await read();
  return {
    url,
    apiKey,
    stats: async () => {
      const now = await read();
      return now && baseline ? diffStats(now, baseline) : now;
    },
    close: async () => undefined,
  };
}

function diffStats(now: SimStats, base: SimStats): SimStats {
  const since = base.timeline.length > 0 ? (base.timeline[base.timeline.length - 1]?.t ?? 0) : 0;
  return {
    requests: now.requests - base.requests,
    accepted: now.accepted - base.accepted,
    rejected_429: now.rejected_429 - base.rejected_429,
    errors_5xx: now.errors_5xx - base.errors_5xx,
    tokens_in: now.tokens_in - base.tokens_in,
    tokens_out: now.tokens_out - base.tokens_out,
    tokens_charged: now.tokens_charged - base.tokens_charged,
    client_secrets_minted: now.client_secrets_minted - base.client_secrets_minted,
    realtime_sessions: now.realtime_sessions - base.realtime_sessions,
    timeline: now.timeline.filter((e) => e.t > since),
  };
}

/**
 * Pacer's gateway in front of `upstream`, on port 0, with the scenario's tenants (weights and
 * one static key each), so it can keep them fair. Its per-request log is dropped: stdout is ours.
 */
export async function startGatewayFor(
  upstream: Upstream,
  timeScale: number,
  tenants: readonly TenantSpec[],
  overrides: Record<string, unknown> = {},
): Promise<GatewayHandle> {
  const mod = (await import('../gateway/index.js' as string)) as GatewayModule;
  const config = {
    ...overrides,
    // Bench traffic must not land in the operator's usage ledger.
    ledger: 'off',
    tenants: Object.fromEntries(
      tenants.map((t) => [t.name, { weight: t.weight, keys: [tenantKey(t.name)] }]),
    ),
  };
  return mod.startGateway({
    port: 0,
    host: '127.0.0.1',
    upstreamBaseUrl: upstream.url,
    upstreamApiKey: upstream.apiKey,
    timeScale,
    config,
    env: {},
    log: () => undefined,
  });
}
