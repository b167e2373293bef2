/**
 * `npm run bench:overhead`: what the gateway adds. The same load goes straight to the simulator
 * (ttft 0, huge limits, own child process) and through the gateway (another child process),
 * and through Portkey's open-source gateway when `npm install --prefix benchmarks` was run.
 * Fixed rates (open loop) and saturation (closed loop), non-streaming and streaming (TTFB).
 * Reports added p50/p99, throughput at saturation, gateway CPU per request, peak RSS and the
 * proxy's event-loop delay. Each measured phase is preceded by an unmeasured warm-up of the same
 * shape on the same client pool, so every target is measured warm (JIT, keep-alive connections
 * both sides) as a long-running proxy is: a cold phase measured connection set-up and compiling.
 *
 *   node dist/bench/overhead.js [--duration S] [--warmup S] [--rates 500,2000] [--concurrency N] [--json FILE]
 */
import { fork, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { parseHistogram, quantileBetween, type Buckets } from './prom-histogram.js';

const SELF = fileURLToPath(import.meta.url);
const PORTKEY = fileURLToPath(
  new URL('../../benchmarks/node_modules/@portkey-ai/gateway/build/start-server.js', import.meta.url),
);
const KEY = 'sk-bench-upstream';
const ELD_RESOLUTION_MS = 10;

interface ChildInfo {
  url: string;
}
type Usage = { cpuMicros: number; maxRssKb: number; eldP99Ms: number; eldMaxMs: number };

// ---- child roles ---------------------------------------------------------------------------

async function runChild(role: string, arg: string | undefined): Promise<void> {
  let url: string;
  if (role === 'sim') {
    const { startSimulator } = await import('../simulator/index.js');
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
    url = sim.url;
  } else if (role === 'bare') {
    url = await startBareProxy(arg as string);
  } else {
    const { startGateway } = await import('../gateway/index.js');
    const gw = await startGateway({
      port: 0,
      host: '127.0.0.1',
      upstreamBaseUrl: arg as string,
      upstreamApiKey: KEY,
      // PACER_* from the bench's environment pass through (e.g. PACER_LEDGER=off to compare).
      env: { PACER_LOG_REQUESTS: 'false', ...pacerEnv() },
    });
    url = gw.url;
  }
  // Event-loop delay since the last reading: a stall in the proxy shows here, not in the client.
  // Sampled every 10 ms (each sample measures its own lateness exactly): a 1 ms timer costs CPU.
  const eld = monitorEventLoopDelay({ resolution: ELD_RESOLUTION_MS });
  eld.enable();
  process.on('message', (msg: unknown) => {
    if (msg === 'usage') {
      const u = process.cpuUsage();
      process.send?.({
        cpuMicros: u.user + u.system,
        maxRssKb: process.resourceUsage().maxRSS,
        // A sample is the whole interval (10 ms + lateness): the lateness is what is reported.
        eldP99Ms: Math.max(0, eld.percentile(99) / 1e6 - ELD_RESOLUTION_MS),
        eldMaxMs: Math.max(0, eld.max / 1e6 - ELD_RESOLUTION_MS),
      } satisfies Usage);
      eld.reset();
    }
  });
  process.send?.({ url } satisfies ChildInfo);
}

function pacerEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (k.startsWith('PACER_') && v !== undefined) out[k] = v;
  return out;
}

/** The floor: node:http + undici piping bytes with no logic at all (what any Node proxy pays). */
async function startBareProxy(upstream: string): Promise<string> {
  const { createServer: createHttpServer } = await import('node:http');
  const up = new URL(upstream);
  const pool = new Pool(up.origin, { connections: 256, pipelining: 1 });
  const server = createHttpServer((req, res) => {
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

// Every child dies with the parent, whatever happens.
const CHILDREN: ChildProcess[] = [];
process.on('exit', () => {
  for (const c of CHILDREN) if (c.exitCode === null) c.kill();
});

function forkRole(role: string, arg?: string): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(SELF, ['--role', role, ...(arg ? ['--arg', arg] : [])], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  CHILDREN.push(child);
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve({ child, url: (m as ChildInfo).url }));
    child.once('exit', (code) => reject(new Error(`${role} child exited with ${code}`)));
  });
}

/**
 * CPU and peak RSS of a process we cannot ask over IPC (Portkey), from Linux procfs: utime +
 * stime in clock ticks (USER_HZ, 100 on Linux) and VmHWM. Null elsewhere.
 */
function procUsage(pid: number): Usage | null {
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

function usageOf(child: ChildProcess): Promise<Usage> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve(m as Usage));
    child.send('usage');
  });
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

async function startPortkey(): Promise<{ child: ChildProcess; url: string } | { error: string }> {
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

// ---- load ----------------------------------------------------------------------------------

interface Target {
  name: string;
  url: string;
  headers: Record<string, string>;
  child?: ChildProcess;
  /** A process measured through procfs instead (Portkey). */
  pid?: number;
}

interface PhaseResult {
  target: string;
  mode: 'json' | 'stream';
  load: string;
  sent: number;
  ok: number;
  errors: number;
  rps: number;
  p50: number;
  p99: number;
  cpuMsPerReq: number | null;
  maxRssMb: number | null;
  /** The proxy's event-loop delay over the phase (p99, max), ms. */
  eldP99: number | null;
  eldMax: number | null;
  /** Pacer only: its own processing time per request (pacer_gateway_processing_seconds), ms. */
  procP50: number | null;
  procP99: number | null;
}

const PROCESSING = 'pacer_gateway_processing_seconds';

/** Pacer's processing-time histogram, or null for targets that do not export it. */
async function scrapeProcessing(t: Target): Promise<Buckets | null> {
  if (t.name !== 'pacer') return null;
  try {
    const res = await fetch(`${new URL(t.url).origin}/metrics`);
    return parseHistogram(await res.text(), PROCESSING);
  } catch {
    return null;
  }
}

function bodyOf(stream: boolean): string {
  return JSON.stringify({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'Say hello in five words.' }],
    max_completion_tokens: 16,
    ...(stream ? { stream: true } : {}),
  });
}

/** One request; resolves to the latency (full body for JSON, first body byte for SSE) or -1. */
async function once(
  pool: Pool,
  path: string,
  headers: Record<string, string>,
  body: string,
  stream: boolean,
): Promise<number> {
  const t0 = performance.now();
  try {
    const res = await pool.request({ method: 'POST', path, headers, body });
    if (!stream) {
      await res.body.dump({ limit: 1 << 30 });
      return res.statusCode === 200 ? performance.now() - t0 : -1;
    }
    let first = -1;
    for await (const _chunk of res.body) {
      if (first < 0) first = performance.now() - t0;
    }
    return res.statusCode === 200 ? first : -1;
  } catch {
    return -1;
  }
}

interface Load {
  rate?: number;
  concurrency?: number;
}

/** The same load for `warmSeconds` unmeasured, then measured for `seconds`, on one client pool. */
async function runPhase(
  t: Target,
  pool: Pool,
  stream: boolean,
  load: Load,
  seconds: number,
  warmSeconds: number,
): Promise<PhaseResult> {
  if (warmSeconds > 0) await drive(t, pool, stream, load, warmSeconds);
  return drive(t, pool, stream, load, seconds);
}

async function drive(
  t: Target,
  pool: Pool,
  stream: boolean,
  load: Load,
  seconds: number,
): Promise<PhaseResult> {
  const url = new URL(t.url);
  const path = `${url.pathname}/chat/completions`;
  const headers = { 'content-type': 'application/json', ...t.headers };
  const body = bodyOf(stream);
  const lat: number[] = [];
  let sent = 0;
  let errors = 0;
  const record = (ms: number): void => {
    if (ms < 0) errors++;
    else lat.push(ms);
  };
  const before = t.child ? await usageOf(t.child) : t.pid ? procUsage(t.pid) : null;
  const procBefore = await scrapeProcessing(t);
  const started = performance.now();
  const end = started + seconds * 1000;
  const inflight = new Set<Promise<void>>();
  if (load.rate !== undefined) {
    // Open loop: arrivals on a fixed schedule, whatever the latency.
    const interval = 1000 / load.rate;
    let next = started;
    while (next < end) {
      const now = performance.now();
      while (next <= now && next < end) {
        sent++;
        const p: Promise<void> = once(pool, path, headers, body, stream)
          .then(record)
          .finally(() => inflight.delete(p));
        inflight.add(p);
        next += interval;
      }
      await new Promise((r) => setTimeout(r, 1));
    }
  } else {
    const workers = Array.from({ length: load.concurrency ?? 64 }, async () => {
      while (performance.now() < end) {
        sent++;
        record(await once(pool, path, headers, body, stream));
      }
    });
    await Promise.all(workers);
  }
  await Promise.all(inflight);
  const elapsed = (performance.now() - started) / 1000;
  const after = t.child ? await usageOf(t.child) : t.pid ? procUsage(t.pid) : null;
  const procAfter = procBefore ? await scrapeProcessing(t) : null;
  const proc = (q: number): number | null => {
    const s = procBefore && procAfter ? quantileBetween(procBefore, procAfter, q) : null;
    return s === null ? null : s * 1000;
  };
  lat.sort((a, b) => a - b);
  const q = (p: number): number => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] ?? NaN;
  return {
    target: t.name,
    mode: stream ? 'stream' : 'json',
    load: load.rate !== undefined ? `${load.rate} req/s` : `saturation (c=${load.concurrency})`,
    sent,
    ok: lat.length,
    errors,
    rps: lat.length / elapsed,
    p50: q(0.5),
    p99: q(0.99),
    cpuMsPerReq: before && after && sent > 0 ? (after.cpuMicros - before.cpuMicros) / 1000 / sent : null,
    maxRssMb: after ? after.maxRssKb / 1024 : null,
    eldP99: after && !Number.isNaN(after.eldP99Ms) ? after.eldP99Ms : null,
    eldMax: after && !Number.isNaN(after.eldMaxMs) ? after.eldMaxMs : null,
    procP50: proc(0.5),
    procP99: proc(0.99),
  };
}

// ---- report --------------------------------------------------------------------------------

function fmt(n: number | null, digits = 2): string {
  return n === null || Number.isNaN(n) ? '-' : n.toFixed(digits);
}

function report(results: PhaseResult[]): string {
  const rows = [
    'target   mode    load                 sent    ok  err      rps   p50 ms   p99 ms  +p50 ms  +p99 ms  cpu ms/req  rss MB  eld p99/max ms  own p50/p99 ms',
  ];
  for (const r of results) {
    const direct = results.find((d) => d.target === 'direct' && d.mode === r.mode && d.load === r.load);
    const add = (a: number, b: number | undefined): string =>
      r.target === 'direct' || b === undefined ? '-' : fmt(a - b);
    rows.push(
      [
        r.target.padEnd(8),
        r.mode.padEnd(7),
        r.load.padEnd(20),
        String(r.sent).padStart(5),
        String(r.ok).padStart(5),
        String(r.errors).padStart(4),
        fmt(r.rps, 0).padStart(8),
        fmt(r.p50).padStart(8),
        fmt(r.p99).padStart(8),
        add(r.p50, direct?.p50).padStart(8),
        add(r.p99, direct?.p99).padStart(8),
        fmt(r.cpuMsPerReq, 3).padStart(11),
        fmt(r.maxRssMb, 0).padStart(7),
        r.eldP99 === null ? '      -' : `${fmt(r.eldP99, 1)}/${fmt(r.eldMax, 0)}`.padStart(14),
        r.procP50 === null ? '             -' : `<=${fmt(r.procP50, 2)}/<=${fmt(r.procP99, 2)}`.padStart(15),
      ].join(' '),
    );
  }
  return rows.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      role: { type: 'string' },
      arg: { type: 'string' },
      duration: { type: 'string', default: '3' },
      warmup: { type: 'string', default: '1' },
      rates: { type: 'string', default: '500,2000' },
      concurrency: { type: 'string', default: '64' },
      json: { type: 'string' },
      'no-portkey': { type: 'boolean', default: false },
    },
  });
  if (values.role) {
    // A child lives as long as its parent's IPC channel.
    process.on('disconnect', () => process.exit(0));
    return runChild(values.role, values.arg);
  }
  // The gateway child gets a fresh ledger and an empty key store: a ledger that grows with every
  // run (it was the checkout's .pacer/) or a developer's keys (no demo key) must not change it.
  const scratch = mkdtempSync(join(tmpdir(), 'pacer-overhead-'));
  process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));
  process.env['PACER_LEDGER'] ??= `sqlite:${join(scratch, 'ledger.sqlite')}`;
  process.env['PACER_KEYS_DB'] ??= join(scratch, 'keys.sqlite');
  const seconds = Number(values.duration);
  const warmSeconds = Number(values.warmup);
  const rates = values.rates.split(',').map(Number);
  const concurrency = Number(values.concurrency);
  const sim = await forkRole('sim');
  const gw = await forkRole('gateway', sim.url);
  const bare = await forkRole('bare', sim.url);
  const targets: Target[] = [
    { name: 'direct', url: sim.url, headers: { authorization: `Bearer ${KEY}` } },
    { name: 'bare', url: bare.url, headers: { authorization: `Bearer ${KEY}` }, child: bare.child },
    { name: 'pacer', url: gw.url, headers: { authorization: 'Bearer pacer-demo-key' }, child: gw.child },
  ];
  let portkeyNote = '';
  const children: ChildProcess[] = [sim.child, gw.child, bare.child];
  if (!values['no-portkey']) {
    const pk = await startPortkey();
    if ('error' in pk) portkeyNote = `Portkey: ${pk.error}`;
    else {
      children.push(pk.child);
      targets.push({
        name: 'portkey',
        url: pk.url,
        ...(pk.child.pid !== undefined ? { pid: pk.child.pid } : {}),
        headers: {
          authorization: `Bearer ${KEY}`,
          'x-portkey-provider': 'openai',
          'x-portkey-custom-host': sim.url,
        },
      });
    }
  }
  const results: PhaseResult[] = [];
  // One keep-alive client pool per target for the whole run, as a long-lived client has.
  const pools = new Map(
    targets.map((t) => [t, new Pool(new URL(t.url).origin, { connections: 512, pipelining: 1 })]),
  );
  try {
    // Compile the hot paths of every process before anything is measured.
    for (const t of targets) {
      for (const stream of [false, true])
        await drive(t, pools.get(t)!, stream, { concurrency: 16 }, Math.max(0.5, warmSeconds));
    }
    for (const stream of [false, true]) {
      for (const load of [...rates.map((rate) => ({ rate })), { concurrency }]) {
        for (const t of targets) {
          const r = await runPhase(t, pools.get(t)!, stream, load, seconds, warmSeconds);
          results.push(r);
          process.stderr.write(
            `${r.target} ${r.mode} ${r.load}: ${fmt(r.rps, 0)} req/s p50 ${fmt(r.p50)} ms p99 ${fmt(r.p99)} ms\n`,
          );
        }
      }
    }
    // Portkey's CPU is not sampled over IPC; its peak RSS is reported by the OS only.
    console.log(report(results));
    if (portkeyNote) console.log(portkeyNote);
    console.log(
      "+p50/+p99: added over direct; cpu ms/req: proxy process CPU (user+system) per request sent; eld: the proxy's event-loop delay; own: Pacer's own processing time per request (pacer_gateway_processing_seconds: queue wait and upstream time excluded), as the bound of its histogram bucket. bare = node:http + undici pipe, no logic (the floor).",
    );
    console.log(
      `each phase: ${warmSeconds} s warm-up (same load, same client pool, not measured), then ${seconds} s measured.`,
    );
    if (values.json)
      writeFileSync(
        values.json,
        JSON.stringify({ seconds, warmSeconds, rates, concurrency, results, portkeyNote }, null, 2),
      );
  } finally {
    await Promise.all([...pools.values()].map((p) => p.close().catch(() => undefined)));
    for (const c of children) c.kill();
  }
}

main().catch((err: unknown) => {
  console.error(`bench:overhead: ${(err as Error).message}`);
  process.exitCode = 1;
});
