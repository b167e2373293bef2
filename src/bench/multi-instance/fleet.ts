import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** One `pacer serve` process of the fleet. */
export interface GatewayProcess {
  /** Base URL including /v1. */
  url: string;
  /** Origin (for /readyz and /metrics). */
  origin: string;
  /** Everything the process wrote to stderr so far (store status lines). */
  stderr(): string;
  stop(): Promise<void>;
}

export interface FleetOptions {
  /** How many gateway processes. */
  size: number;
  redisUrl: string;
  upstreamUrl: string;
  timeScale: number;
  /** Extra environment (PACER_* overrides). */
  env?: Record<string, string>;
}

// src/bench/multi-instance and dist/bench/multi-instance are both three levels below the root.
const CLI = fileURLToPath(new URL('../../../dist/cli/main.js', import.meta.url));

/** Starts one gateway process on a free port (serve --port 0 prints the URL it bound). */
export function startGatewayProcess(o: Omit<FleetOptions, 'size'>): Promise<GatewayProcess> {
  const child: ChildProcess = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--host', '127.0.0.1'], {
    env: {
      ...process.env,
      PACER_UPSTREAM_BASE_URL: o.upstreamUrl,
      OPENAI_API_KEY: 'sk-sim',
      PACER_REDIS_URL: o.redisUrl,
      PACER_TIME_SCALE: String(o.timeScale),
      PACER_LOG_REQUESTS: 'false',
      ...o.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`gateway did not start in 15 s: ${err}`)), 15_000);
    const fail = (e: Error): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(e);
    };
    child.once('exit', (code) => fail(new Error(`gateway exited with ${code}: ${err}`)));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/[^\s]+\/v1)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      child.stdout!.removeAllListeners('data');
      child.stdout!.resume();
      const url = m[1]!;
      resolve({
        url,
        origin: url.slice(0, -3),
        stderr: () => err,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
            child.once('exit', () => {
              clearTimeout(kill);
              done();
            });
            child.kill('SIGTERM');
          }),
      });
    });
  });
}

/** Starts `size` gateway processes sharing one Redis and one upstream. */
export async function startFleet(o: FleetOptions): Promise<GatewayProcess[]> {
  const { size, ...rest } = o;
  const started = await Promise.allSettled(Array.from({ length: size }, () => startGatewayProcess(rest)));
  const ok = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await Promise.all(ok.map((g) => g.stop()));
    throw failed.reason;
  }
  return ok;
}

/** GET /readyz as JSON. */
export async function readyzOf(g: GatewayProcess): Promise<{ code: number; body: Record<string, unknown> }> {
  const r = await fetch(`${g.origin}/readyz`);
  return { code: r.status, body: (await r.json()) as Record<string, unknown> };
}

/** One sample of a gauge from GET /metrics (NaN when absent). */
export async function gaugeOf(g: GatewayProcess, name: string): Promise<number> {
  const text = await (await fetch(`${g.origin}/metrics`)).text();
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : NaN;
}
