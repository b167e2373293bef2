/**
 * startGateway: config + upstream (or the embedded simulator in demo mode) + node:http server.
 * Used by `pacer serve`, the bench's `pacer` strategy and the tests.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock, Rng } from '../core/clock.js';
import type { PacingEngine } from '../engine/types.js';
import { createGateway } from './app.js';
import type { Gateway } from './app.js';
import { loadConfig } from './config.js';
import type { GatewayConfig } from './config.js';

export { createGateway } from './app.js';
export type { Gateway, GatewayDeps } from './app.js';
export { loadConfig, ConfigError } from './config.js';
export type { GatewayConfig } from './config.js';

export interface StartGatewayOptions {
  port?: number;
  host?: string;
  upstreamBaseUrl?: string;
  upstreamApiKey?: string;
  timeScale?: number;
  configPath?: string;
  /** Raw config object (as the YAML would give); skips the file. */
  config?: unknown;
  /** Environment for overrides (default: process.env). */
  env?: Record<string, string | undefined>;
  engine?: PacingEngine;
  clock?: Clock;
  rng?: Rng;
  log?: (line: string) => void;
}

export interface RunningGateway {
  /** Base URL including /v1. */
  url: string;
  port: number;
  host: string;
  /** The embedded simulator's URL in demo mode. */
  simulatorUrl: string | null;
  demoKey: string | null;
  config: GatewayConfig;
  gateway: Gateway;
  close(): Promise<void>;
}

export async function startGateway(opts: StartGatewayOptions = {}): Promise<RunningGateway> {
  const env = { ...(opts.env ?? process.env) };
  if (opts.upstreamBaseUrl !== undefined) env['PACER_UPSTREAM_BASE_URL'] = opts.upstreamBaseUrl;
  if (opts.timeScale !== undefined) env['PACER_TIME_SCALE'] = String(opts.timeScale);
  const config = loadConfig({
    ...(opts.configPath !== undefined ? { path: opts.configPath } : {}),
    ...(opts.config !== undefined ? { raw: opts.config } : {}),
    env,
  });
  const apiKey = opts.upstreamApiKey ?? env['OPENAI_API_KEY'];

  // Demo mode: no upstream configured and no key -> the simulator runs in-process.
  let sim: { url: string; close(): Promise<void> } | null = null;
  let baseUrl = config.upstream.base_url;
  if (baseUrl === undefined) {
    if (apiKey !== undefined && apiKey !== '') baseUrl = 'https://api.openai.com/v1';
    else {
      const { startSimulator } = await import('../simulator/index.js');
      sim = await startSimulator({
        port: 0,
        host: '127.0.0.1',
        timeScale: config.time_scale,
        settleUsage: true,
      });
      baseUrl = sim.url;
    }
  }

  const gateway = createGateway({
    config,
    upstream: { baseUrl, apiKey },
    ...(opts.engine ? { engine: opts.engine } : {}),
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(opts.rng ? { rng: opts.rng } : {}),
    ...(opts.log ? { log: opts.log } : {}),
  });
  const server = createServer(
    { keepAliveTimeout: 65_000, requestTimeout: 0, headersTimeout: 60_000 },
    gateway.handle,
  );
  server.on('upgrade', gateway.upgrade);
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });
  // Spent budgets are loaded from the ledger before the first request is admitted.
  await gateway.ready;
  const host = opts.host ?? config.server.host;
  const port = opts.port ?? config.server.port;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await gateway.close();
    await sim?.close();
    throw err;
  }
  const bound = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${bound}/v1`,
    port: bound,
    host,
    simulatorUrl: sim?.url ?? null,
    demoKey: gateway.context.auth.demo ? config.demo_key : null,
    config,
    gateway,
    close() {
      closing ??= (async () => {
        const done = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await done;
        await gateway.close();
        await sim?.close();
      })();
      return closing;
    },
  };
}
