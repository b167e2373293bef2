import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../core/clock.js';
import { createSimApp, type SimApp } from './app.js';
import { createSimContext, type SimContext } from './context.js';
import type { SimOptions } from './options.js';
import type { RunningSimulator } from './types.js';

export type { SimOptions, SimulatorExtraOptions } from './options.js';
export type { SimulatorOptions, RunningSimulator, SimStats } from './types.js';
export type { SimContext } from './context.js';

export interface SimulatorHandler {
  /** A node:http request listener, for embedding into another server. */
  handle(req: IncomingMessage, res: ServerResponse): void;
  app: SimApp;
  ctx: SimContext;
}

/** The simulator without a listening socket (e.g. mounted inside `pacer serve`). */
export function createSimulatorHandler(
  options: SimOptions = {},
  deps: { clock?: Clock } = {},
): SimulatorHandler {
  const ctx = createSimContext(options, deps);
  const app = createSimApp(ctx);
  return { handle: (req, res) => app.handleRequest(req, res), app, ctx };
}

/** Starts the simulator on options.port (0 = any free port) and resolves once it listens. */
export async function startSimulator(
  options: SimOptions = {},
  deps: { clock?: Clock } = {},
): Promise<RunningSimulator & { ctx: SimContext }> {
  const { app, ctx } = createSimulatorHandler(options, deps);
  const server = createServer(
    { keepAliveTimeout: 65_000, requestTimeout: 0, headersTimeout: 60_000 },
    app.handleRequest,
  );
  server.on('upgrade', app.handleUpgrade);
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // A deep accept backlog: thousands of clients connecting at once must not wait on SYN retries.
    server.listen({ port: ctx.options.port, host: ctx.options.host, backlog: 4096 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = ctx.options.host.includes(':') ? `[${ctx.options.host}]` : ctx.options.host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}/v1`,
    port,
    ctx,
    stats: () => ctx.stats.snapshot(),
    close() {
      closing ??= (async () => {
        await app.close();
        const done = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await done;
      })();
      return closing;
    },
  };
}
