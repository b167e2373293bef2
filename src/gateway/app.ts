/**
 * createGateway(deps): the route table, read top to bottom, and the one error boundary.
 * Plain node:http handler: no framework on the hot path.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Clock, Rng } from '../core/clock.js';
import { PacerError } from '../core/errors.js';
import type { PacingEngine } from '../engine/types.js';
import { systemClock, systemRng } from '../platform/system.js';
import { createAuth } from './auth.js';
import type { KeyLookup } from './auth.js';
import type { GatewayConfig } from './config.js';
import type { GatewayContext } from './context.js';
import { closeEngineStore, createPacingEngine, sharedStoreOf } from './engine.js';
import { createCors, newRequestId, sendError } from './http.js';
import { createInferenceRoute, logInternal } from './routes/inference.js';
import type { RouteHandler } from './routes/inference.js';
import { createDashboardFeed, createDashboardHandler } from '../dashboard/index.js';
import { createHealthRoute, createMetricsRoute, createReadyRoute } from './routes/ops.js';
import { createPassthroughRoute } from './routes/passthrough.js';
import { createBatchesRoute } from './routes/batches.js';
import { createFilesRoute } from './routes/files.js';
import { createInputTokensRoute, createResponseObjectsRoute } from './routes/response-objects.js';
import { createResponsesCreateRoute } from './routes/responses-create.js';
import { openOwnerStore } from './ownership/open.js';
import { createOwnership } from './ownership/ownership.js';
import { responseClaimer } from './ownership/response-claims.js';
import { mountRealtime } from './routes/realtime.js';
import { createLineBuffer, type LineBuffer } from './telemetry/line-buffer.js';
import { createMetrics } from './telemetry/metrics.js';
import { createUpstream } from './upstream/client.js';
import { createAdminRoute } from './routes/admin.js';
import {
  createKeyStoreLookup,
  createGatewayBudgets,
  createTenancy,
  isLedgerOff,
  openGatewayLedger,
} from './tenancy/index.js';
import type { BudgetStore } from './tenancy/index.js';
import type { Ledger } from '../store/ledger/index.js';
import type { OwnerStore } from '../store/owners/index.js';

export interface GatewayDeps {
  config: GatewayConfig;
  upstream: { baseUrl: string; apiKey: string | undefined };
  engine?: PacingEngine;
  clock?: Clock;
  rng?: Rng;
  log?: (line: string) => void;
  keyLookup?: KeyLookup;
  /** Usage ledger (startGateway opens the configured one); closed with the gateway. */
  ledger?: Ledger;
  /** Per-tenant budgets (default: shared through the engine's Redis store with redis_url, else memory). */
  budgets?: BudgetStore;
  /**
   * Who owns which file, batch and stored response (default with tenants: Redis with redis_url,
   * else the key store's SQLite file; none in demo mode). A store given here is not closed.
   */
  owners?: OwnerStore;
}

export interface Gateway {
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** HTTP upgrades: the Realtime WebSocket relay at /v1/realtime. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  readonly context: GatewayContext;
  /** Resolves once the ledger is open and spent budgets are loaded from it. */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

type Method = 'GET' | 'POST' | 'DELETE';
type RealtimeRun = (req: IncomingMessage, res: ServerResponse) => Promise<void>;
interface Route {
  method: Method;
  path: string | RegExp;
  /** Public routes skip nothing here: auth happens inside the /v1 handlers. */
  run: RouteHandler;
}

export function createGateway(deps: GatewayDeps): Gateway {
  const clock = deps.clock ?? systemClock;
  const rng = deps.rng ?? systemRng;
  const { config } = deps;
  const engine = deps.engine ?? createPacingEngine(config, { clock, rng });
  const keyStore = deps.keyLookup ? undefined : createKeyStoreLookup(config);
  const keyLookup = deps.keyLookup ?? keyStore?.lookup;
  const budgets = deps.budgets ?? createGatewayBudgets(sharedStoreOf(engine), clock);
  const stdoutLog = deps.log ? undefined : createLineBuffer((text) => void process.stdout.write(text));
  if (stdoutLog) process.once('exit', stdoutLog.flush);
  const log = deps.log ?? (stdoutLog as LineBuffer);
  const opened =
    deps.ledger || isLedgerOff(config.ledger)
      ? undefined
      : openGatewayLedger(config.ledger, {
          budgets,
          tenants: () => [...Object.keys(config.tenants), ...(keyStore?.tenants() ?? [])],
          now: () => clock.now(),
          log,
        });
  const ledger = deps.ledger ?? opened?.ledger;
  const auth = createAuth(config, keyLookup, { storeHasKeys: keyStore ? keyStore.hasKeys : true });
  // Demo mode has one tenant: nothing to keep apart, so files, batches and responses pass through.
  const ownedStore = deps.owners || auth.demo ? undefined : openOwnerStore(config, clock);
  const owners = deps.owners ?? ownedStore;
  const ownership = owners ? createOwnership(owners, log) : undefined;
  const ctx: GatewayContext = {
    config,
    engine,
    clock,
    rng,
    upstream: createUpstream({
      baseUrl: deps.upstream.baseUrl,
      apiKey: deps.upstream.apiKey,
      connections: config.upstream.connections,
      timeoutMs: config.upstream.timeout_ms,
      idleTimeoutMs: config.upstream.idle_timeout_ms,
    }),
    metrics: createMetrics(() => engine),
    auth,
    cors: createCors(config.cors.origins),
    log,
    dashboard: createDashboardFeed({ engine, clock }),
    tenancy: createTenancy(budgets, config.backlog_demote_after),
    ...(ledger ? { ledger } : {}),
    startedAt: clock.now(),
  };
  const dashboard = createDashboardHandler(
    ctx.dashboard!,
    config.admin.token ? { adminToken: config.admin.token } : {},
  );
  const realtime = mountRealtime(ctx, { upstream: deps.upstream });
  const realtimeRoute =
    (run: RealtimeRun): RouteHandler =>
    async (req, res) =>
      run(req, res);
  const pass = (label: string): RouteHandler => createPassthroughRoute(ctx, label);
  const files = createFilesRoute(ctx, ownership);
  const batches = createBatchesRoute(ctx, ownership);
  const responseObjects = createResponseObjectsRoute(ctx, ownership);
  // With tenants, a new stored response is recorded as its creator's before its id reaches the
  // client, and previous_response_id must be the caller's own.
  const responses = ownership
    ? createResponsesCreateRoute(
        ctx,
        ownership,
        createInferenceRoute(ctx, 'responses', { claimerFor: responseClaimer(ownership, log) }),
      )
    : createInferenceRoute(ctx, 'responses');

  const routes: Route[] = [
    { method: 'POST', path: '/v1/chat/completions', run: createInferenceRoute(ctx, 'chat') },
    { method: 'POST', path: '/v1/responses', run: responses },
    { method: 'POST', path: '/v1/responses/input_tokens', run: createInputTokensRoute(ctx, ownership) },
    { method: 'GET', path: /^\/v1\/responses\/[^/]+(\/input_items)?$/, run: responseObjects },
    { method: 'DELETE', path: /^\/v1\/responses\/[^/]+$/, run: responseObjects },
    { method: 'POST', path: /^\/v1\/responses\/[^/]+\/cancel$/, run: responseObjects },
    { method: 'POST', path: '/v1/embeddings', run: createInferenceRoute(ctx, 'embeddings') },
    { method: 'GET', path: '/v1/models', run: pass('models') },
    { method: 'GET', path: /^\/v1\/models\/[^/]+$/, run: pass('models') },
    { method: 'POST', path: '/v1/files', run: files },
    { method: 'GET', path: '/v1/files', run: files },
    { method: 'GET', path: /^\/v1\/files\/[^/]+(\/content)?$/, run: files },
    { method: 'DELETE', path: /^\/v1\/files\/[^/]+$/, run: files },
    { method: 'POST', path: '/v1/batches', run: batches },
    { method: 'GET', path: '/v1/batches', run: batches },
    { method: 'GET', path: /^\/v1\/batches\/[^/]+$/, run: batches },
    { method: 'POST', path: /^\/v1\/batches\/[^/]+\/cancel$/, run: batches },
    { method: 'GET', path: '/healthz', run: createHealthRoute() },
    { method: 'GET', path: '/readyz', run: createReadyRoute(ctx) },
    { method: 'GET', path: '/metrics', run: createMetricsRoute(ctx) },
    { method: 'GET', path: '/admin/state', run: createAdminRoute(ctx) },
    {
      method: 'POST',
      path: '/v1/realtime/client_secrets',
      run: realtimeRoute(realtime.handlers.clientSecrets),
    },
    { method: 'POST', path: '/v1/realtime/calls', run: realtimeRoute(realtime.handlers.calls) },
  ];

  // Exact paths resolve with one map lookup; patterns are tried in table order.
  const exact = new Map<string, Map<string, RouteHandler>>();
  const patterns: Route[] = [];
  for (const r of routes) {
    if (typeof r.path !== 'string') patterns.push(r);
    else {
      const byMethod = exact.get(r.path) ?? new Map<string, RouteHandler>();
      byMethod.set(r.method, r.run);
      exact.set(r.path, byMethod);
    }
  }

  function find(method: string, path: string): RouteHandler | 'method' | undefined {
    const byMethod = exact.get(path);
    if (byMethod) return byMethod.get(method) ?? 'method';
    let seen = false;
    for (const r of patterns) {
      if (!(r.path as RegExp).test(path)) continue;
      if (r.method === method) return r.run;
      seen = true;
    }
    return seen ? 'method' : undefined;
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const requestId = newRequestId();
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const method = req.method ?? 'GET';
    if (method === 'OPTIONS') return ctx.cors.preflight(req, res);
    if (path.startsWith('/dashboard') && dashboard(req, res)) return;
    const route = find(method, path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path);
    if (route === undefined || route === 'method') {
      req.resume();
      const err =
        route === 'method'
          ? new PacerError('PACER_METHOD_NOT_ALLOWED', `Method ${method} is not allowed on ${path}.`)
          : new PacerError('PACER_NOT_FOUND', `Invalid URL (${method} ${path})`);
      sendError(res, err, requestId, ctx.cors.headersFor(req));
      return;
    }
    route(req, res, requestId).catch((err: unknown) => {
      logInternal(ctx, requestId, err);
      sendError(res, err, requestId, ctx.cors.headersFor(req));
    });
  }

  function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/v1/realtime') {
      socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    realtime.handlers.upgrade(req, socket, head).catch((err: unknown) => {
      logInternal(ctx, newRequestId(), err);
      socket.destroy();
    });
  }

  return {
    handle,
    upgrade,
    context: ctx,
    ready: opened?.ready ?? Promise.resolve(),
    async close() {
      ctx.dashboard?.close();
      await realtime.close();
      engine.close();
      // The shared store (Redis) leaves the instance registry before the gateway says closed.
      await closeEngineStore(engine);
      await ctx.upstream.close();
      // Flushes every buffered ledger record: nothing recorded is lost on a clean shutdown.
      await ctx.ledger?.close();
      await ownedStore?.close();
      keyStore?.close();
      if (stdoutLog) {
        stdoutLog.flush();
        process.off('exit', stdoutLog.flush);
      }
    },
  };
}
