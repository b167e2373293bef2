/** Gauges of the pacing state store, read at scrape time: degraded (0/1) and live instances. */
import { Gauge, type Registry } from 'prom-client';
import type { PacingEngine } from '../../engine/types.js';
import { storeInfoOf } from '../engine.js';

const registered = new WeakSet<Registry>();

export function registerStoreMetrics(registry: Registry, engine: () => PacingEngine): void {
  if (registered.has(registry)) return;
  registered.add(registry);
  new Gauge({
    name: 'pacer_store_degraded',
    help: '1 while the shared store (Redis) is unreachable and this instance paces on a 1/N local share',
    registers: [registry],
    collect() {
      this.set(storeInfoOf(engine()).status.state === 'degraded' ? 1 : 0);
    },
  });
  new Gauge({
    name: 'pacer_store_instances',
    help: 'Live gateway instances sharing the store (heartbeat registry; 1 for the memory store)',
    registers: [registry],
    collect() {
      this.set(storeInfoOf(engine()).instances);
    },
  });
}
