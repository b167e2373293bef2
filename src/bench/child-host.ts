/**
 * A bench role in its own process (started by src/bench/upstream.ts with child_process.fork):
 * the simulator or the gateway, so neither shares an event loop with the load generator, as
 * in production. Protocol over IPC (JSON):
 *   parent -> { type: 'start', role: 'sim', options }  | { type: 'start', role: 'gateway', options }
 *   child  -> { type: 'ready', url }                   | { type: 'error', message }
 *   parent -> { type: 'stats', id }   child -> { type: 'stats', id, stats }  (simulator only)
 *   parent -> { type: 'close' }       child closes its server and exits 0.
 * The child exits when the IPC channel goes away (the parent died), whatever state it is in.
 */
import { fileURLToPath } from 'node:url';
import type { RunningSimulator, SimStats, SimulatorOptions } from '../simulator/types.js';

/** What startGateway gets, minus the log function (which cannot cross IPC; the child drops it). */
export interface GatewayChildOptions {
  port: number;
  host: string;
  upstreamBaseUrl: string;
  upstreamApiKey: string;
  timeScale: number;
  config: unknown;
  env: Record<string, string>;
}

export type ChildStart =
  | { type: 'start'; role: 'sim'; options: SimulatorOptions }
  | { type: 'start'; role: 'gateway'; options: GatewayChildOptions };

export type ParentMessage = ChildStart | { type: 'stats'; id: number } | { type: 'close' };

export type ChildMessage =
  | { type: 'ready'; url: string }
  | { type: 'error'; message: string }
  | { type: 'stats'; id: number; stats: SimStats | null };

interface Closable {
  url: string;
  close(): Promise<void>;
}

function send(msg: ChildMessage, then?: () => void): void {
  process.send?.(msg, undefined, {}, then ?? (() => undefined));
}

async function start(msg: ChildStart): Promise<{ handle: Closable; sim: RunningSimulator | null }> {
  if (msg.role === 'sim') {
    const { startSimulator } = await import('../simulator/index.js');
    const sim = await startSimulator(msg.options);
    return { handle: sim, sim };
  }
  const { startGateway } = await import('../gateway/index.js');
  // The per-request log goes nowhere: the bench's stdout is its table.
  const gw = await startGateway({ ...msg.options, log: () => undefined });
  return { handle: gw, sim: null };
}

function host(): void {
  // A child lives as long as its parent's IPC channel.
  process.on('disconnect', () => process.exit(0));
  let running: { handle: Closable; sim: RunningSimulator | null } | null = null;
  let closing = false;
  const shutdown = async (): Promise<void> => {
    await running?.handle.close().catch(() => undefined);
    // Leaves the IPC channel too; the parent waits for the exit.
    process.exit(0);
  };
  process.on('message', (raw: unknown) => {
    const msg = raw as ParentMessage;
    if (msg.type === 'start' && !running) {
      start(msg).then(
        (r) => {
          running = r;
          send({ type: 'ready', url: r.handle.url });
          if (closing) void shutdown();
        },
        (err: unknown) => {
          const message = err instanceof Error ? err.message : String(err);
          // Exit only once the parent has the reason.
          send({ type: 'error', message }, () => process.exit(1));
        },
      );
    } else if (msg.type === 'stats') {
      send({ type: 'stats', id: msg.id, stats: running?.sim?.stats() ?? null });
    } else if (msg.type === 'close') {
      closing = true;
      if (running) void shutdown();
    }
  });
}

// Only when forked: importing this file for its types must not install any handlers.
if (process.send !== undefined && process.argv[1] === fileURLToPath(import.meta.url)) host();
