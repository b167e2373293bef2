import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** A real PostgreSQL server on a free loopback port, owned by one test file. */
export interface PostgresServer {
  port: number;
  /** Creates a fresh database and returns its postgres:// URL. */
  createDatabase(name: string): Promise<string>;
  /** Stops the server (data kept); `start()` brings it back on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

interface Binaries {
  initdb: string;
  postgres: string;
}

/** Debian installs versioned binaries under /usr/lib/postgresql/N/bin; take the newest. */
function findBinaries(): Binaries | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')) && existsSync(join(root, v, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  const v = versions[0];
  return v === undefined
    ? undefined
    : { initdb: join(root, v, 'bin', 'initdb'), postgres: join(root, v, 'bin', 'postgres') };
}

/** PostgreSQL refuses to run as root: when we are root, run it as the `postgres` user. */
function findRunAs(): { uid: number; gid: number } | undefined | 'missing' {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) return 'missing';
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

const BINARIES = findBinaries();
const RUN_AS = findRunAs();

/** Why Postgres tests cannot run here, or undefined when they can. Tests print it loudly and skip. */
export const postgresUnavailable: string | undefined = !BINARIES
  ? 'PostgreSQL is not installed: no /usr/lib/postgresql/*/bin/initdb (Debian: apt-get install -y postgresql; .ci/run installs it)'
  : RUN_AS === 'missing'
    ? 'running as root but there is no `postgres` user to run the server as (apt-get install -y postgresql creates it)'
    : undefined;

if (postgresUnavailable && process.env.CI) {
  // In CI a missing server is a broken setup, not a reason to skip.
  throw new Error(`PostgreSQL tests cannot run in CI: ${postgresUnavailable}`);
}
if (postgresUnavailable) console.warn(`\n!!! SKIPPING PostgreSQL tests: ${postgresUnavailable}\n`);

const SUPERUSER = 'pacer';

// Own copy rather than importing redis.ts, whose import fails in CI when Redis is absent.
async function freePort(): Promise<number> {
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

async function waitForServer(port: number, proc: ChildProcess, log: () => string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (proc.exitCode !== null) throw new Error(`postgres exited with ${proc.exitCode}:\n${log()}`);
    const client = new pg.Client({ host: '127.0.0.1', port, user: SUPERUSER, database: 'postgres' });
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await client.end().catch(() => undefined);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`postgres did not accept connections within 15 s:\n${log()}`);
}

export async function startPostgres(): Promise<PostgresServer> {
  if (!BINARIES || RUN_AS === 'missing') throw new Error(postgresUnavailable);
  const runAs = RUN_AS;
  const dir = mkdtempSync(join(tmpdir(), 'pacer-pg-'));
  if (runAs) chownSync(dir, runAs.uid, runAs.gid);
  const data = join(dir, 'data');
  const ids = runAs ? { uid: runAs.uid, gid: runAs.gid } : {};

  const init = spawnSync(
    BINARIES.initdb,
    ['-D', data, '-U', SUPERUSER, '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync'],
    {
      encoding: 'utf8',
      ...ids,
    },
  );
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed (${init.status}): ${init.stderr || init.error?.message}`);
  }

  const port = await freePort();
  // Durability off: these are throwaway test clusters.
  const args = [
    '-D',
    data,
    '-p',
    String(port),
    '-h',
    '127.0.0.1',
    '-k',
    dir,
    '-c',
    'fsync=off',
    '-c',
    'synchronous_commit=off',
    '-c',
    'full_page_writes=off',
  ];
  let proc: ChildProcess | undefined;
  let stderr = '';
  // A crashed test run must not leave a server behind.
  const killOnExit = () => proc?.kill('SIGKILL');
  process.on('exit', killOnExit);

  const start = async () => {
    stderr = '';
    const p = spawn(BINARIES.postgres, args, { stdio: ['ignore', 'ignore', 'pipe'], ...ids });
    proc = p;
    p.stderr?.on('data', (d: Buffer) => {
      if (stderr.length < 20_000) stderr += d.toString();
    });
    await waitForServer(port, p, () => stderr);
  };
  const stop = async () => {
    const p = proc;
    proc = undefined;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => p.kill('SIGKILL'), 5000);
      p.once('exit', () => {
        clearTimeout(force);
        resolve();
      });
      p.kill('SIGINT'); // fast shutdown: aborts open transactions, disconnects clients
    });
  };

  try {
    await start();
  } catch (err) {
    await stop();
    process.removeListener('exit', killOnExit);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }

  return {
    port,
    async createDatabase(name) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
      const client = new pg.Client({ host: '127.0.0.1', port, user: SUPERUSER, database: 'postgres' });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return `postgres://${SUPERUSER}@127.0.0.1:${port}/${name}`;
    },
    stop,
    start,
    async close() {
      await stop();
      process.removeListener('exit', killOnExit);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
