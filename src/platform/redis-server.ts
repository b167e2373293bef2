import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, Socket } from 'node:net';

/**
 * A private redis-server on a free loopback port, for benches and tests: no persistence, and
 * stop()/start() keep the port so an outage can be staged and healed.
 */
export interface RedisServerProcess {
  url: string;
  port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      const p = typeof a === 'object' && a ? a.port : 0;
      srv.close(() => resolve(p));
    });
  });
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = new Socket();
    s.once('error', () => resolve(false));
    s.connect(port, '127.0.0.1', () => {
      s.write('PING\r\n');
      s.once('data', (d) => {
        s.destroy();
        resolve(d.toString().startsWith('+PONG'));
      });
    });
  });
}

/** Starts redis-server (binary `bin`, default from PATH); rejects when it is missing or silent. */
export async function startRedisServer(
  opts: { bin?: string; dir?: string } = {},
): Promise<RedisServerProcess> {
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  if (opts.dir !== undefined) args.push('--dir', opts.dir);
  let proc: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    const p = spawn(opts.bin ?? 'redis-server', args, { stdio: 'ignore' });
    proc = p;
    await new Promise<void>((resolve, reject) => {
      p.once('error', (e) =>
        reject(new Error(`redis-server could not start (${e.message}); install it or set PACER_REDIS_URL`)),
      );
      p.once('spawn', () => resolve());
    });
    for (let i = 0; i < 200; i++) {
      if (p.exitCode !== null) throw new Error(`redis-server exited with ${p.exitCode}`);
      if (await ping(port)) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    p.kill('SIGKILL');
    throw new Error('redis-server did not answer PING within 5 s');
  };
  const stop = (): Promise<void> => {
    const p = proc;
    proc = undefined;
    if (!p || p.exitCode !== null || p.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGKILL');
    });
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, port, stop, start };
}
