/**
 * The parent's side of the overhead bench's processes: forks the roles, starts Portkey when it
 * is installed, asks each process for its usage (over IPC, or from procfs for Portkey).
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { LoadResult, LoadSpec } from './load.js';
import type { Role, RoleReply, RoleRequest, Usage } from './roles.js';

const ENTRY = fileURLToPath(new URL('./index.js', import.meta.url));
const PORTKEY = fileURLToPath(
  new URL('../../../benchmarks/node_modules/@portkey-ai/gateway/build/start-server.js', import.meta.url),
);

// Every child dies with the parent, whatever happens.
const CHILDREN: ChildProcess[] = [];
process.on('exit', () => {
  for (const c of CHILDREN) if (c.exitCode === null) c.kill();
});

export function killChildren(): void {
  for (const c of CHILDREN) if (c.exitCode === null) c.kill();
}

function ask<T extends RoleReply['type']>(
  child: ChildProcess,
  msg: RoleRequest,
  type: T,
): Promise<Extract<RoleReply, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: RoleReply): void => {
      if (m.type !== type) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(m as Extract<RoleReply, { type: T }>);
    };
    const onExit = (code: number | null): void => reject(new Error(`child exited with ${code}`));
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.send(msg);
  });
}

export function forkRole(role: Role, arg?: string): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(ENTRY, ['--role', role, ...(arg ? ['--arg', arg] : [])], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  CHILDREN.push(child);
  return new Promise((resolve, reject) => {
    child.once('message', (m: RoleReply) => resolve({ child, url: m.type === 'ready' ? m.url : '' }));
    child.once('exit', (code) => reject(new Error(`${role} child exited with ${code}`)));
  });
}

export async function usageOf(child: ChildProcess): Promise<Usage> {
  const { type: _t, ...u } = await ask(child, { type: 'usage' }, 'usage');
  return u;
}

export async function driveIn(load: ChildProcess, spec: LoadSpec): Promise<LoadResult> {
  return (await ask(load, { type: 'drive', spec }, 'driven')).result;
}

/**
 * CPU and peak RSS of a process we cannot ask over IPC (Portkey), from Linux procfs: utime +
 * stime in clock ticks (USER_HZ, 100 on Linux) and VmHWM. Null elsewhere.
 */
export function procUsage(pid: number): Usage | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return { cpuMicros: ticks * 10_000, maxRssKb: Number(hwm?.[1] ?? NaN), eldP99Ms: NaN, eldMaxMs: NaN };
  } catch {
    return null;
  }
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

export async function startPortkey(): Promise<{ child: ChildProcess; url: string } | { error: string }> {
  if (!existsSync(PORTKEY)) return { error: 'not installed (run `npm install --prefix benchmarks`)' };
  const port = await freePort();
  const child = spawn(process.execPath, [PORTKEY, `--port=${port}`, '--headless'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  CHILDREN.push(child);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = `http://127.0.0.1:${port}/v1`;
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) return { error: `exited: ${stderr.slice(0, 300)}` };
    try {
      await fetch(`http://127.0.0.1:${port}/`);
      return { child, url };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  child.kill();
  return { error: 'did not start within 10 s' };
}
