import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RunningSimulator, SimStats, SimulatorOptions } from '../simulator/types.js';
import type { ChildMessage, ChildStart, GatewayChildOptions, ParentMessage } from './child-host.js';
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

/**
 * The simulator and the gateway each run in their own process (child-host.js), as in production:
 * sharing the load generator's event loop inflated TTFT tails and queue waits. That needs the
 * compiled host next to this module, i.e. running from dist/. From src/ (a bare `npx vitest`)
 * there is no child-host.js here, and forking dist/'s could run stale code, so both roles then
 * run in-process as before.
 */
const CHILD_HOST = fileURLToPath(new URL('./child-host.js', import.meta.url));
const useChildren = (): boolean => existsSync(CHILD_HOST);

/** A fresh simulator on port 0, so every strategy starts with full buckets and zeroed stats. */
export async function startFreshSimulator(options: SimulatorOptions): Promise<Upstream> {
  if (useChildren()) return startSimulatorChild(CHILD_HOST, options);
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
  const config = {
    ...overrides,
    // Bench traffic must not land in the operator's usage ledger, nor its owners in the key store.
    ledger: 'off',
    keys_db: ':memory:',
    tenants: Object.fromEntries(
      tenants.map((t) => [t.name, { weight: t.weight, keys: [tenantKey(t.name)] }]),
    ),
  };
  const options: GatewayChildOptions = {
    port: 0,
    host: '127.0.0.1',
    upstreamBaseUrl: upstream.url,
    upstreamApiKey: upstream.apiKey,
    timeScale,
    config,
    env: {},
  };
  if (useChildren()) return startGatewayChild(CHILD_HOST, options);
  const mod = (await import('../gateway/index.js' as string)) as GatewayModule;
  return mod.startGateway({ ...options, log: () => undefined });
}

// ---- child processes -----------------------------------------------------------------------

/** The simulator in a child process started from `hostFile` (exported for tests). */
export async function startSimulatorChild(hostFile: string, options: SimulatorOptions): Promise<Upstream> {
  const child = await startChild(hostFile, { type: 'start', role: 'sim', options });
  return {
    url: child.url,
    apiKey: BENCH_UPSTREAM_KEY,
    stats: () => child.stats(),
    close: () => child.close(),
  };
}

/** The gateway in a child process started from `hostFile` (exported for tests). */
export async function startGatewayChild(
  hostFile: string,
  options: GatewayChildOptions,
): Promise<GatewayHandle> {
  const child = await startChild(hostFile, { type: 'start', role: 'gateway', options });
  return { url: child.url, close: () => child.close() };
}

interface ChildRole {
  url: string;
  stats(): Promise<SimStats | null>;
  close(): Promise<void>;
}

// Children die with the bench however it ends (they also exit on their own when IPC drops).
const LIVE = new Set<ChildProcess>();
let exitHookInstalled = false;
function track(child: ChildProcess): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const c of LIVE) c.kill('SIGKILL');
    });
  }
  LIVE.add(child);
  child.once('exit', () => LIVE.delete(child));
}

/** How long a child gets to close its server before it is killed. */
const CLOSE_GRACE_MS = 5000;

function startChild(hostFile: string, start: ChildStart): Promise<ChildRole> {
  // stdout ignored (the bench's table owns it), stderr shared so crashes are visible.
  const child = fork(hostFile, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  track(child);
  const waiting = new Map<number, (s: SimStats | null) => void>();
  let nextId = 0;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // A dead child answers every outstanding stats request with "no stats".
  void exited.then(() => {
    for (const w of waiting.values()) w(null);
    waiting.clear();
  });
  const post = (msg: ParentMessage): boolean => {
    if (!child.connected) return false;
    child.send(msg);
    return true;
  };
  const role: ChildRole = {
    url: '',
    stats: () =>
      new Promise((resolve) => {
        const id = nextId++;
        waiting.set(id, resolve);
        if (!post({ type: 'stats', id })) {
          waiting.delete(id);
          resolve(null);
        }
      }),
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      post({ type: 'close' });
      const timer = setTimeout(() => child.kill('SIGKILL'), CLOSE_GRACE_MS);
      await exited;
      clearTimeout(timer);
    },
  };
  return new Promise((resolve, reject) => {
    child.on('message', (raw: unknown) => {
      const msg = raw as ChildMessage;
      if (msg.type === 'ready') resolve({ ...role, url: msg.url });
      else if (msg.type === 'error') reject(new Error(msg.message));
      else if (msg.type === 'stats') {
        waiting.get(msg.id)?.(msg.stats);
        waiting.delete(msg.id);
      }
    });
    // Kept for the child's life: an unheard 'error' (a failed send) would crash the bench.
    child.on('error', reject);
    void exited.then(() =>
      reject(new Error(`bench ${start.role} child exited with ${child.exitCode ?? child.signalCode}`)),
    );
    post(start);
  });
}
