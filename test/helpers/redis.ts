import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A real redis-server on a free loopback port, owned by one test file. */
export interface RedisServer {
  url: string;
  port: number;
  /** Stops the server (data kept on disk is discarded); `start()` brings it back on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

function findBinary(): string | undefined {
  for (const candidate of ['redis-server', '/usr/bin/redis-server', '/usr/local/bin/redis-server']) {
    const r = spawnSync(candidate, ['--version'], { encoding: 'utf8' });
    if (r.status === 0) return candidate;
  }
  return undefined;
}

const BINARY = findBinary();

/** Why Redis tests cannot run here, or undefined when they can. Tests print it loudly and skip. */
export const redisUnavailable: string | undefined = BINARY
  ? undefined
  : 'redis-server is not installed (Debian: apt-get install -y redis-server; .ci/run installs it)';

if (redisUnavailable && process.env.CI) {
  // In CI a missing server is a broken setup, not a reason to skip.
  throw new Error(`Redis tests cannot run in CI: ${redisUnavailable}`);
}
if (redisUnavailable) console.warn(`\n!!! SKIPPING Redis tests: ${redisUnavailable}\n`);

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPing(port: number, proc: ChildProcess): Promise<void> {
  const { Socket } = await import('node:net');
  for (let i = 0; i < 200; i++) {
    if (proc.exitCode !== null) throw new Error(`redis-server exited with ${proc.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
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
    if (ok) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('redis-server did not answer PING within 5 s');
}

export async function startRedis(): Promise<RedisServer> {
  if (!BINARY) throw new Error(redisUnavailable);
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'pacer-redis-'));
  let proc: ChildProcess | undefined;

  const start = async () => {
    proc = spawn(
      BINARY,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
      {
        stdio: 'ignore',
      },
    );
    await waitForPing(port, proc);
  };
  const stop = async () => {
    const p = proc;
    proc = undefined;
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGKILL');
    });
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    start,
    stop,
    close: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
