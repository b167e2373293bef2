/** Prometheus metrics with the exact names and labels of SPEC.md "Metrics", one registry per gateway. */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { PacingEngine } from '../../engine/types.js';
import { createCounterCells } from './counter-cells.js';
import type { CounterCell, CounterCells } from './counter-cells.js';
import { FastHistogram } from './histogram-cells.js';

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
/** Sub-millisecond resolution: the gateway's own processing time is tens to hundreds of µs. */
const PROCESSING_BUCKETS = [
  0.00005, 0.0001, 0.0002, 0.0003, 0.0005, 0.00075, 0.001, 0.002, 0.005, 0.01, 0.025, 0.1,
];
const QUEUE_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const BREAKER_VALUE = { closed: 0, half_open: 1, open: 2 } as const;

export interface GatewayMetrics {
  registry: Registry;
  requests: Counter<'route' | 'model' | 'tenant' | 'status'>;
  upstream429: Counter<'pool'>;
  retries: Counter<'pool' | 'reason'>;
  queueWait: FastHistogram<'priority'>;
  /** The gateway's own processing time per request (excludes queue wait and upstream time). */
  processing: FastHistogram;
  ttft: FastHistogram<'route' | 'model'>;
  duration: FastHistogram<'route' | 'model'>;
  tokens: Counter<'model' | 'tenant' | 'kind'>;
  costUsd: Counter<'model' | 'tenant'>;
  bucketAvailable: Gauge<'pool' | 'dimension'>;
  breakerState: Gauge<'pool'>;
  realtimeSessions: Gauge<'state'>;
  clientSecretsMinted: Counter;
  /** Hot-path adds to requests/tokens/cost without per-call label hashing (see counter-cells). */
  cells: {
    requests: CounterCells<'route' | 'model' | 'tenant' | 'status'>;
    tokens: CounterCells<'model' | 'tenant' | 'kind'>;
    costUsd: CounterCells<'model' | 'tenant'>;
  };
}

export type { CounterCell };

/** `engine` is read at scrape time for the bucket and breaker gauges. */
export function createMetrics(
  engine: () => PacingEngine | undefined,
  opts: { defaultMetrics?: boolean } = {},
): GatewayMetrics {
  const registry = new Registry();
  if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'pacer_' });
  const registers = [registry];
  const cells: GatewayMetrics['cells'] = {
    requests: createCounterCells(),
    tokens: createCounterCells(),
    costUsd: createCounterCells(),
  };
  const m: GatewayMetrics = {
    registry,
    cells,
    requests: new Counter({
      name: 'pacer_requests_total',
      help: 'Requests answered by the gateway',
      labelNames: ['route', 'model', 'tenant', 'status'],
      registers,
      collect() {
        cells.requests.flush(this);
      },
    }),
    upstream429: new Counter({
      name: 'pacer_upstream_429_total',
      help: '429 answers received from the upstream',
      labelNames: ['pool'],
      registers,
    }),
    retries: new Counter({
      name: 'pacer_retries_total',
      help: 'Upstream retries',
      labelNames: ['pool', 'reason'],
      registers,
    }),
    processing: new FastHistogram({
      name: 'pacer_gateway_processing_seconds',
      help: "Time the gateway's own code spends on a request: before dispatch, on the response head and on the body's first chunk and end (queue wait and upstream time excluded)",
      buckets: PROCESSING_BUCKETS,
      registers,
    }),
    queueWait: new FastHistogram({
      name: 'pacer_queue_wait_seconds',
      help: 'Time spent queued before dispatch',
      labelNames: ['priority'] as const,
      buckets: QUEUE_BUCKETS,
      registers,
    }),
    ttft: new FastHistogram({
      name: 'pacer_ttft_seconds',
      help: 'Time to the first upstream byte',
      labelNames: ['route', 'model'] as const,
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    duration: new FastHistogram({
      name: 'pacer_request_duration_seconds',
      help: 'End-to-end request duration',
      labelNames: ['route', 'model'] as const,
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    tokens: new Counter({
      name: 'pacer_tokens_total',
      help: 'Tokens used, from upstream usage',
      labelNames: ['model', 'tenant', 'kind'],
      registers,
      collect() {
        cells.tokens.flush(this);
      },
    }),
    costUsd: new Counter({
      name: 'pacer_cost_usd_total',
      help: 'Cost in USD of the tokens used',
      labelNames: ['model', 'tenant'],
      registers,
      collect() {
        cells.costUsd.flush(this);
      },
    }),
    bucketAvailable: new Gauge({
      name: 'pacer_bucket_available',
      help: 'Capacity available in a pool bucket',
      labelNames: ['pool', 'dimension'],
      registers,
      collect() {
        for (const p of engine()?.snapshot() ?? []) {
          if (p.available.requests !== null)
            this.set({ pool: p.pool, dimension: 'requests' }, p.available.requests);
          if (p.available.tokens !== null)
            this.set({ pool: p.pool, dimension: 'tokens' }, p.available.tokens);
        }
      },
    }),
    breakerState: new Gauge({
      name: 'pacer_breaker_state',
      help: 'Circuit breaker per pool: 0 closed, 1 half-open, 2 open',
      labelNames: ['pool'],
      registers,
      collect() {
        for (const p of engine()?.snapshot() ?? []) this.set({ pool: p.pool }, BREAKER_VALUE[p.breaker]);
      },
    }),
    realtimeSessions: new Gauge({
      name: 'pacer_realtime_sessions',
      help: 'Realtime sessions by state',
      labelNames: ['state'],
      registers,
    }),
    clientSecretsMinted: new Counter({
      name: 'pacer_client_secrets_minted_total',
      help: 'Realtime client secrets minted upstream',
      registers,
    }),
  };
  return m;
}
