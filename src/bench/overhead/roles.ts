/**
 * The processes of the overhead bench, each forked from index.ts with `--role`: the simulator,
 * Pacer, the bare pipe and the load generator. Over IPC each answers `usage` (its CPU, peak RSS
 * and event-loop delay since the last ask); the load generator also runs `drive` phases.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Pool } from 'undici';
import { closePools, drive, type LoadSpec, type LoadResult } from './load.js';

export const UPSTREAM_KEY = 'sk-bench-upstream';
const ELD_RESOLUTION_MS = 10;

export interface Usage {
  cpuMicros: number;
  maxRssKb: number;
  eldP99Ms: number;
  eldMaxMs: number;
}

export type RoleRequest = { type: 'usage' } | { type: 'drive'; spec: LoadSpec };
export type RoleReply =
  { type: 'ready'; url: string } | ({ type: 'usage' } & Usage) | { type: 'driven'; result: LoadResult };

export type Role = 'sim' | 'bare' | 'gateway' | 'load';

function reply(msg: RoleReply): void {
  process.send?.(msg);
}

export async function runRole(role: Role, arg: string | undefined): Promise<void> {
  // A child lives as long as its parent's IPC channel.
  process.on('disconnect', () => process.exit(0));
  const url = await startRole(role, arg);
  // Event-loop delay since the last reading: a stall in the proxy shows here, not in the client.
  // Sampled every 10 ms (each sample measures its own lateness exactly): a 1 ms timer costs CPU.
  const eld = monitorEventLoopDelay({ resolution: ELD_RESOLUTION_MS });
  eld.enable();
  process.on('message', (msg: RoleRequest) => {
    if (msg.type === 'usage') {
      const u = process.cpuUsage();
      reply({
        type: 'usage',
        cpuMicros: u.user + u.system,
        maxRssKb: process.resourceUsage().maxRSS,
        // A sample is the whole interval (10 ms + lateness): the lateness is what is reported.
        eldP99Ms: Math.max(0, eld.percentile(99) / 1e6 - ELD_RESOLUTION_MS),
        eldMaxMs: Math.max(0, eld.max / 1e6 - ELD_RESOLUTION_MS),
      });
      eld.reset();
    } else if (msg.type === 'drive') {
      void drive(msg.spec).then((result) => reply({ type: 'driven', result }));
    }
  });
  process.on('exit', () => void closePools());
  reply({ type: 'ready', url });
}

async function startRole(role: Role, arg: string | undefined): Promise<string> {
  if (role === 'load') return '';
  if (role === 'sim') {
    const { startSimulator } = await import('../../simulator/index.js');
    const sim = await startSimulator({
      port: 0,
      host: '127.0.0.1',
      ttftMs: 0,
      tokensPerS: 1_000_000,
      rpm: 1e9,
      tpm: 1e12,
      rpd: 1e12,
      tpd: 1e15,
      seed: 1,
    });
    return sim.url;
  }
  if (role === 'bare') return startBareProxy(arg as string);
  const { startGateway } = await import('../../gateway/index.js');
  const gw = await startGateway({
    port: 0,
    host: '127.0.0.1',
    upstreamBaseUrl: arg as string,
    upstreamApiKey: UPSTREAM_KEY,
    // PACER_* from the bench's environment pass through (e.g. PACER_LEDGER=off to compare).
    env: pacerEnv(),
    // The request log is on, as by default; its lines go nowhere (the child's stdout is ignored).
  });
  return gw.url;
}

function pacerEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (k.startsWith('PACER_') && v !== undefined) out[k] = v;
  return out;
}

/** The floor: node:http + undici piping bytes with no logic at all (what any Node proxy pays). */
async function startBareProxy(upstream: string): Promise<string> {
  const { createServer } = await import('node:http');
  const up = new URL(upstream);
  const pool = new Pool(up.origin, { connections: 256, pipelining: 1 });
  const server = createServer((req, res) => {
    const headers = { ...req.headers };
    delete headers.host;
    delete headers.connection;
    pool
      .request({ method: req.method as 'POST', path: req.url ?? '/', headers, body: req })
      .then((r) => {
        const out = { ...r.headers };
        delete out['transfer-encoding'];
        delete out.connection;
        res.writeHead(r.statusCode, out as Record<string, string>);
        r.body.pipe(res);
      })
      .catch(() => {
        res.writeHead(502).end();
      });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}/v1`;
}
