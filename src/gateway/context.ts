/** What every route needs, built once by createGateway. */
import type { Clock, Rng } from '../core/clock.js';
import type { DashboardFeed } from '../dashboard/index.js';
import type { PacingEngine } from '../engine/types.js';
import type { Ledger } from '../store/ledger/index.js';
import type { Authenticator } from './auth.js';
import type { GatewayConfig } from './config.js';
import type { Cors } from './http.js';
import type { Tenancy } from './tenancy/index.js';
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
  /** Plans and per-tenant budgets. */
  tenancy: Tenancy;
  /** The usage ledger (one record per request); absent when `ledger: off` or in library use. */
  ledger?: Ledger;
  /** When the gateway was built (clock ms), for /admin/state uptime. */
  startedAt: number;
}
