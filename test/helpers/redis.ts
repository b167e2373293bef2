import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedisServer } from '../../src/platform/redis-server.js';

export { freePort } from '../../src/platform/redis-server.js';

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

export async function startRedis(): Promise<RedisServer> {
  if (!BINARY) throw new Error(redisUnavailable);
  const dir = mkdtempSync(join(tmpdir(), 'pacer-redis-'));
  const server = await startRedisServer({ bin: BINARY, dir });
  return {
    ...server,
    close: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
