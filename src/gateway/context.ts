/** What every route needs, built once by createGateway. */
import type { Clock, Rng } from '../core/clock.js';
import type { DashboardFeed } from '../dashboard/index.js';
import type { PacingEngine } from '../engine/types.js';
import type { Authenticator } from './auth.js';
import type { GatewayConfig } from './config.js';
import type { Cors } from './http.js';
import type { GatewayMetrics } from './telemetry/metrics.js';
import type { Upstream } from './upstream/client.js';

export interface GatewayContext {
  config: GatewayConfig;
  engine: PacingEngine;
  upstream: Upstream;
  metrics: GatewayMetrics;
  auth: Authenticator;
  cors: Cors;
  clock: Clock;
  rng: Rng;
  /** One line per request (JSON, no secrets). */
  log: (line: string) => void;
  /** The live dashboard's feed: one event per finished request. */
  dashboard?: DashboardFeed;
}
