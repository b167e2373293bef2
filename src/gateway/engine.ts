/** Builds the pacing engine from the gateway config (shared through Redis when redis_url is set). */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Clock, Rng } from '../core/clock.js';
import type { EngineOptions, PacingEngine } from '../engine/types.js';
import { createSharedQuota } from '../store/quota/shared.js';
import type { DegradableQuotaStore, StoreStatus } from '../store/quota/index.js';
import type { GatewayConfig } from './config.js';
import { createEngine } from '../engine/index.js';

export function engineOptionsOf(config: GatewayConfig): EngineOptions {
  const pools: NonNullable<EngineOptions['pools']> = {};
  for (const [name, p] of Object.entries(config.pools)) {
    pools[name] = { models: [...p.models], ...defined({ rpm: p.rpm, tpm: p.tpm, rpd: p.rpd, tpd: p.tpd }) };
  }
  return {
    pools,
    headroom: config.headroom,
    burstSeconds: config.burst_seconds,
    reservedInteractiveShare: config.reserved_interactive_share,
    defaultDeadlineMs: config.default_deadline_ms,
    timeScale: config.time_scale,
    retry: {
      maxAttempts: config.retry.max_attempts,
      baseMs: config.retry.base_ms,
      capMs: config.retry.cap_ms,
      budgetRatio: config.retry.budget_ratio,
    },
  };
}

function defined<T extends object>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}

/** What /readyz and the store gauges report about where the pacing state lives. */
export interface StoreInfo {
  kind: 'redis' | 'memory';
  status: StoreStatus;
  /** Live gateway instances (1 for the memory store). */
  instances: number;
  instanceId: string | null;
}

// Keyed by engine so the GatewayContext contract stays as it is.
const stores = new WeakMap<PacingEngine, DegradableQuotaStore & { id: string }>();

const closers = new WeakMap<PacingEngine, () => Promise<void>>();

/** Closes the engine and waits until its shared store has left the registry (no-op for memory). */
export async function closeEngineStore(engine: PacingEngine): Promise<void> {
  await closers.get(engine)?.();
}

/** The engine's shared store (Redis with its degraded mode), for the tenant budgets; none for memory. */
export function sharedStoreOf(engine: PacingEngine): DegradableQuotaStore | undefined {
  return stores.get(engine);
}

export function storeInfoOf(engine: PacingEngine): StoreInfo {
  const s = stores.get(engine);
  if (!s) return { kind: 'memory', status: { state: 'ok' }, instances: 1, instanceId: null };
  return { kind: 'redis', status: s.status(), instances: s.instances(), instanceId: s.id };
}

/** Unique per process and readable in the registry: host, pid, a random suffix. */
export function newInstanceId(): string {
  return `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

export interface PacingEngineDeps {
  clock: Clock;
  rng: Rng;
  /** Called on every ok <-> degraded change of the shared store (a log line). */
  onStoreStatus?: (status: StoreStatus) => void;
}

export function createPacingEngine(config: GatewayConfig, deps: PacingEngineDeps): PacingEngine {
  const options = engineOptionsOf(config);
  if (config.redis_url === undefined) return createEngineFrom(options, deps);
  const instanceId = newInstanceId();
  const { store, enginePort } = createSharedQuota({
    url: config.redis_url,
    instanceId,
    clock: deps.clock,
    onStatus: (status) => {
      deps.onStoreStatus?.(status);
      process.stderr.write(
        status.state === 'ok'
          ? `pacer: shared store ok (instance ${instanceId})\n`
          : `pacer: shared store degraded: ${status.reason}; pacing on a 1/${store.instances()} local share\n`,
      );
    },
  });
  const inner = createEngine(options, { clock: deps.clock, rng: deps.rng, store: enginePort, shared: store });
  let closing: Promise<void> | undefined;
  const engine: PacingEngine = {
    ...inner,
    close() {
      inner.close();
      // Leaves the instance registry and quits the connection; close() stays synchronous
      // (closeEngineStore awaits it).
      closing ??= store.close().catch(() => undefined);
    },
  };
  closers.set(engine, () => (engine.close(), closing!));
  stores.set(engine, Object.assign(store, { id: instanceId }));
  return engine;
}

/** The one place the engine implementation is chosen (the gateway and the in-process library). */
export function createEngineFrom(options: EngineOptions, deps: { clock: Clock; rng: Rng }): PacingEngine {
  return createEngine(options, deps);
}
